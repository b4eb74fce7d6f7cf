// Bad input gets a clear 4xx JSON error and changes nothing; unknown runs get an `error`
// meta frame on the streaming endpoints.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace runcast::test;

namespace {

const std::string urlencoded = "application/x-www-form-urlencoded";

void check_error(const http_response& res, int status, const std::string& needle) {
  INFO("body: " << res.body);
  CHECK(res.status == status);
  CHECK(res.header("content-type") == "application/json");
  auto j = res.json();
  REQUIRE(j.contains("detail"));
  CHECK(j["detail"].get<std::string>().find(needle) != std::string::npos);
}

} // namespace

TEST_CASE("malformed requests get 4xx JSON details and start nothing") {
  server_fixture fx{{"--max-body-bytes", "4096"}};
  auto port = fx.port();
  auto post_run = [&](const fields& f) {
    return request(port, "POST", "/agents/echo/runs", form_urlencode(f), urlencoded);
  };
  check_error(post_run({{"stream", "false"}}), 422, "message is required");
  check_error(post_run({{"message", ""}}), 422, "message is required");
  check_error(post_run({{"message", "x"}, {"stream", "maybe"}}), 422, "stream must be a boolean");
  check_error(post_run({{"message", "x"}, {"background", "2"}}), 422, "background");
  check_error(post_run({{"message", "x"}, {"session_id", "bad id/../"}}), 422, "session_id");
  check_error(post_run({{"message", "x"}, {"delay_ms", "soon"}}), 422, "delay_ms");
  check_error(post_run({{"message", "x"}, {"delay_ms", "-5"}}), 422, "delay_ms");
  check_error(request(port, "POST", "/agents/echo/runs", "message=%zz", urlencoded), 400,
              "");
  check_error(request(port, "POST", "/agents/echo/runs", "--x\r\nbroken",
                      "multipart/form-data; boundary=x"),
              400, "");
  check_error(request(port, "POST", "/agents/echo/runs", "{\"message\": ", "application/json"),
              400, "");
  check_error(request(port, "POST", "/agents/echo/runs", "message=x", "text/csv"), 400,
              "unsupported content type");
  check_error(request(port, "POST", "/agents/echo/runs",
                      "message=" + std::string(8000, 'a'), urlencoded),
              413, "exceeds");
  check_error(request(port, "GET", "/agents/nobody"), 404, "Agent not found");
  check_error(request(port, "POST", "/agents/nobody/runs", "message=x", urlencoded), 404,
              "Agent not found");
  check_error(request(port, "GET", "/robots"), 404, "Not Found");
  auto delete_agent = request(port, "DELETE", "/agents/echo");
  check_error(delete_agent, 405, "Method Not Allowed");
  CHECK(delete_agent.header("allow") == "GET");
  auto get_resume = request(port, "GET", "/agents/echo/runs/x/resume");
  check_error(get_resume, 405, "Method Not Allowed");
  CHECK(get_resume.header("allow") == "POST");
  auto put_runs = request(port, "PUT", "/agents/echo/runs/");
  check_error(put_runs, 405, "Method Not Allowed");
  CHECK(put_runs.header("allow") == "GET, POST");
  check_error(request(port, "GET", "/agents/echo/runs/no-such-run"), 404, "not found");
  check_error(request(port, "GET", "/agents/echo/runs?status=DONE"), 422, "status");
  check_error(request(port, "GET", "/agents/echo/runs?limit=-1"), 422, "limit");

  auto resume_with = [&](const std::string& index) {
    return request(port, "POST", "/agents/echo/runs/some-run/resume",
                   form_urlencode({{"last_event_index", index}}), urlencoded);
  };
  check_error(resume_with("abc"), 422, "last_event_index");
  check_error(resume_with("-2"), 422, "last_event_index");
  check_error(resume_with("1.5"), 422, "last_event_index");
  check_error(resume_with("99999999999999999999"), 422, "last_event_index");
  check_error(request(port, "GET", "/agents/echo/runs/r/stream", "", "",
                      {{"Last-Event-ID", "nope"}}),
              422, "last_event_id");

  // Nothing was started by any of this, and the server is still fine.
  CHECK(request(port, "GET", "/agents/echo/runs").json().empty());
  CHECK(request(port, "GET", "/health").status == 200);
}

TEST_CASE("an unknown run, or another session's run, gets an error meta frame with HTTP 200") {
  server_fixture fx;
  auto unknown = resume(fx.port(), "no-such-run", "s", 3);
  CHECK(unknown->status() == 200);
  auto frames = read_to_end(*unknown);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].event == "error");
  CHECK(frames[0].json()["error"].get<std::string>().find("not found") != std::string::npos);

  sse_client es{fx.port(), "GET", "/agents/echo/runs/no-such-run/stream"};
  auto es_frames = read_to_end(es);
  REQUIRE(es_frames.size() == 1);
  CHECK(es_frames[0].event == "error");

  auto run = start_stream(fx.port(), {{"message", "mine"}, {"delay_ms", "0"},
                                      {"session_id", "owner"}});
  auto run_id = read_to_end(*run)[0].json()["run_id"].get<std::string>();
  auto other = resume(fx.port(), run_id, "intruder", -1);
  auto refused = read_to_end(*other);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].event == "error");
  // Refused exactly like an unknown run: nothing says the run exists.
  CHECK(refused[0].json()["error"] == "Run " + run_id + " not found");
  auto poll = request(fx.port(), "GET", "/agents/echo/runs/" + run_id + "?session_id=intruder");
  CHECK(poll.status == 404);
}

TEST_CASE("with an auth key, every endpoint but /health and the console needs the bearer key") {
  server_fixture fx{{"--auth-key", "s3cret"}};
  CHECK(request(fx.port(), "GET", "/health").status == 200);
  CHECK(request(fx.port(), "GET", "/").status == 200);
  CHECK(request(fx.port(), "GET", "/console.js").status == 200);
  CHECK(request(fx.port(), "GET", "/metrics").status == 401);
  auto denied = request(fx.port(), "GET", "/agents");
  CHECK(denied.status == 401);
  CHECK(denied.json().contains("detail"));
  CHECK(request(fx.port(), "GET", "/agents", "", "", {{"Authorization", "Bearer wrong"}}).status
        == 401);
  CHECK(request(fx.port(), "GET", "/agents", "", "", {{"Authorization", "Bearer s3cret"}}).status
        == 200);
}

TEST_CASE("connections past max_connections get a 503 JSON answer and freed slots are reused") {
  server_fixture fx{{"--max-connections", "2"}};
  auto a = start_stream(fx.port(), {{"message", words(100)}, {"delay_ms", "1000"},
                                    {"background", "true"}});
  auto b = start_stream(fx.port(), {{"message", words(100)}, {"delay_ms", "1000"},
                                    {"background", "true"}});
  read_frames(*a, 1);
  read_frames(*b, 1);
  auto refused = request(fx.port(), "GET", "/health");
  CHECK(refused.status == 503);
  CHECK(refused.json()["detail"].get<std::string>().find("too many connections")
        != std::string::npos);
  a->close();
  CHECK(eventually([&] { return request(fx.port(), "GET", "/health").status == 200; }));
}
