// The four execution modes of POST …/runs, cancel, and client disconnects.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

using namespace runcast::test;

TEST_CASE("stream without background: SSE inline from index 0, no meta frames") {
  server_fixture fx;
  auto c = start_stream(fx.port(), {{"message", "hello brave world"}, {"delay_ms", "0"}});
  REQUIRE(c->status() == 200);
  auto frames = read_to_end(*c);
  REQUIRE(frames.size() == 5);
  CHECK(frames[0].event == "RunStarted");
  CHECK(frames[1].event == "RunContent");
  CHECK(frames[4].event == "RunCompleted");
  CHECK(frames[4].json()["content"] == "hello brave world");
  for (size_t i = 0; i < frames.size(); ++i) {
    CHECK(frames[i].id == std::to_string(i));
    auto j = frames[i].json();
    CHECK(j["event_index"] == i);
    CHECK(j["agent_id"] == "echo");
    CHECK(j.contains("created_at"));
    CHECK(j["run_id"] == frames[0].json()["run_id"]);
    CHECK(j["session_id"] == frames[0].json()["session_id"]);
  }
}

TEST_CASE("no stream, no background: blocks and returns the run output") {
  server_fixture fx;
  auto res = request(fx.port(), "POST", "/agents/echo/runs",
                     form_urlencode({{"message", "one two three"}, {"stream", "false"},
                                     {"session_id", "my-session"}, {"delay_ms", "5"}}),
                     "application/x-www-form-urlencoded");
  REQUIRE(res.status == 200);
  auto j = res.json();
  CHECK(j["status"] == "COMPLETED");
  CHECK(j["content"] == "one two three");
  CHECK(j["session_id"] == "my-session");
}

TEST_CASE("background without stream: 202 PENDING at once, then poll to COMPLETED") {
  server_fixture fx;
  auto body = multipart_form({{"message", "fire and forget"}, {"stream", "False"},
                              {"background", "YES"}, {"delay_ms", "10"}});
  auto res = request(fx.port(), "POST", "/agents/echo/runs", body.body, body.content_type);
  REQUIRE(res.status == 202);
  auto j = res.json();
  CHECK(j["status"] == "PENDING");
  auto run_id = j["run_id"].get<std::string>();
  auto session_id = j["session_id"].get<std::string>();
  auto done = poll_until(fx.port(), run_id, session_id, "COMPLETED");
  CHECK(done["content"] == "fire and forget");
  // The session's run list has it.
  auto list = request(fx.port(), "GET", "/agents/echo/runs?session_id=" + session_id).json();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["run_id"] == run_id);
  auto filtered = request(fx.port(), "GET",
                          "/agents/echo/runs?session_id=" + session_id + "&status=RUNNING");
  INFO("filtered: " << filtered.body << "\nserver log:\n" << fx.server->log());
  CHECK(filtered.json().empty());
}

TEST_CASE("an inline stream's run is cancelled when its client leaves "
          "but a background one is not") {
  server_fixture fx;
  auto inline_run = start_stream(fx.port(), {{"message", words(50)}, {"delay_ms", "50"}});
  auto inline_frames = read_frames(*inline_run, 3);
  auto bg_run = start_stream(fx.port(), {{"message", words(10)},
                                         {"background", "true"},
                                         {"delay_ms", "50"}});
  auto bg_frames = read_frames(*bg_run, 3);
  inline_run->close();
  bg_run->close();
  auto j = inline_frames[0].json();
  auto cancelled = poll_until(fx.port(), j["run_id"], j["session_id"], "CANCELLED");
  CHECK(cancelled["content"].is_null());
  auto b = bg_frames[0].json();
  auto completed = poll_until(fx.port(), b["run_id"], b["session_id"], "COMPLETED");
  CHECK(completed["content"] == words(10));
  // The cancelled run's stream ends with RunCancelled, well before its 52 events.
  auto r = resume(fx.port(), j["run_id"], j["session_id"], -1);
  auto frames = read_to_end(*r);
  CHECK(frames.back().event == "RunCancelled");
  CHECK(frames.size() < 52);
}

TEST_CASE("cancel ends a run CANCELLED and cancelling again or an unknown run is refused") {
  server_fixture fx;
  auto res = request(fx.port(), "POST", "/agents/echo/runs",
                     form_urlencode({{"message", words(100)}, {"stream", "false"},
                                     {"background", "true"}, {"delay_ms", "50"}}),
                     "application/x-www-form-urlencoded");
  REQUIRE(res.status == 202);
  auto run_id = res.json()["run_id"].get<std::string>();
  auto session_id = res.json()["session_id"].get<std::string>();
  poll_until(fx.port(), run_id, session_id, "RUNNING");
  auto cancel_form = form_urlencode({{"session_id", session_id}});
  auto cancel = request(fx.port(), "POST", "/agents/echo/runs/" + run_id + "/cancel", cancel_form,
                        "application/x-www-form-urlencoded");
  CHECK(cancel.status == 200);
  poll_until(fx.port(), run_id, session_id, "CANCELLED");
  auto again = request(fx.port(), "POST", "/agents/echo/runs/" + run_id + "/cancel", cancel_form,
                       "application/x-www-form-urlencoded");
  CHECK(again.status == 409);
  CHECK(again.json()["detail"].is_string());
  auto unknown = request(fx.port(), "POST", "/agents/echo/runs/no-such-run/cancel", cancel_form,
                         "application/x-www-form-urlencoded");
  CHECK(unknown.status == 404);
  auto r = resume(fx.port(), run_id, session_id, -1);
  auto frames = read_to_end(*r);
  CHECK(frames.front().event == "replay");
  CHECK(frames.front().json()["status"] == "CANCELLED");
  CHECK(frames.back().event == "RunCancelled");
}

TEST_CASE("GET / serves the web console, which follows runs with EventSource") {
  server_fixture fx;
  auto page = request(fx.port(), "GET", "/");
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("<title>runcast console</title>") != std::string::npos);
  CHECK(page.body.find("<script src=\"console.js\">") != std::string::npos);
  auto script = request(fx.port(), "GET", "/console.js");
  REQUIRE(script.status == 200);
  CHECK(script.header("content-type") == "text/javascript; charset=utf-8");
  CHECK(script.body.find("new EventSource(") != std::string::npos);
  CHECK(request(fx.port(), "POST", "/").status == 405);
}

TEST_CASE("GET /openapi.json serves the API's OpenAPI 3.1 document") {
  server_fixture fx;
  auto doc = request(fx.port(), "GET", "/openapi.json");
  REQUIRE(doc.status == 200);
  CHECK(doc.header("content-type") == "application/json");
  auto parsed = doc.json();
  CHECK(parsed["openapi"] == "3.1.0");
  CHECK(parsed["paths"].contains("/{kind}/{component}/runs/{run_id}/resume"));
  // A query string is not for this page: it is served as is.
  CHECK(request(fx.port(), "GET", "/openapi.json?x=%25").status == 200);
}
