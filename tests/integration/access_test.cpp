// One access rule (DESIGN guarantee 7): poll, list, resume, stream and cancel without the
// run's session_id, with another one, or with another user answer exactly as for a run
// that does not exist — nothing tells the caller the run is there.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

using namespace runcast::test;

namespace {

const std::string urlencoded = "application/x-www-form-urlencoded";
const std::string unknown_run = "no-such-run";

/// A live background run of session "owner", user "alice".
struct owned_run {
  explicit owned_run(uint16_t port) {
    auto res = request(port, "POST", "/agents/echo/runs",
                       form_urlencode({{"message", words(200)}, {"stream", "false"},
                                       {"background", "true"}, {"delay_ms", "50"},
                                       {"session_id", "owner"}, {"user_id", "alice"}}),
                       urlencoded);
    REQUIRE(res.status == 202);
    id = res.json()["run_id"];
    poll_until(port, id, "owner", "RUNNING");
  }
  std::string id;
};

/// What a caller may put in the request to name itself.
struct who {
  std::string label;
  std::string query; ///< "" or "?session_id=…[&user_id=…]"
  fields form;
};

std::vector<who> strangers() {
  return {{"no session_id", "", {}},
          {"a wrong session_id", "?session_id=intruder", {{"session_id", "intruder"}}},
          {"the right session but another user", "?session_id=owner&user_id=mallory",
           {{"session_id", "owner"}, {"user_id", "mallory"}}}};
}

/// The answer with the run id replaced, so answers about two runs compare.
std::string neutral(std::string text, const std::string& run_id) {
  for (auto at = text.find(run_id); at != std::string::npos; at = text.find(run_id))
    text.replace(at, run_id.size(), "<run>");
  return text;
}

std::string answer(const http_response& r, const std::string& run_id) {
  return std::to_string(r.status) + " " + neutral(r.body, run_id);
}

std::string stream_answer(sse_client& c, const std::string& run_id) {
  auto frames = read_to_end(c);
  std::string out = std::to_string(c.status());
  for (const auto& f : frames)
    out += " [" + f.event + "] " + neutral(f.data, run_id);
  return out;
}

} // namespace

TEST_CASE("poll without the run's session or user answers as for an unknown run") {
  server_fixture fx;
  owned_run run{fx.port()};
  for (const auto& w : strangers()) {
    INFO(w.label);
    auto mine = request(fx.port(), "GET", "/agents/echo/runs/" + run.id + w.query);
    auto none = request(fx.port(), "GET", "/agents/echo/runs/" + unknown_run + w.query);
    CHECK(mine.status == 404);
    CHECK(answer(mine, run.id) == answer(none, unknown_run));
  }
  CHECK(request(fx.port(), "GET", "/agents/echo/runs/" + run.id + "?session_id=owner").status
        == 200);
}

TEST_CASE("list without the run's session or user shows nothing, as for a session without runs") {
  server_fixture fx;
  owned_run run{fx.port()};
  auto empty_session = request(fx.port(), "GET", "/agents/echo/runs?session_id=nobody");
  REQUIRE(empty_session.status == 200);
  CHECK(empty_session.json().empty());
  for (const auto& w : strangers()) {
    INFO(w.label);
    auto listed = request(fx.port(), "GET", "/agents/echo/runs" + w.query);
    CHECK(answer(listed, run.id) == answer(empty_session, run.id));
  }
  auto own = request(fx.port(), "GET", "/agents/echo/runs?session_id=owner").json();
  REQUIRE(own.size() == 1);
  CHECK(own[0]["run_id"] == run.id);
}

TEST_CASE("resume without the run's session or user answers as for an unknown run") {
  server_fixture fx;
  owned_run run{fx.port()};
  for (const auto& w : strangers()) {
    INFO(w.label);
    auto form = w.form;
    form.emplace_back("last_event_index", "-1");
    sse_client mine{fx.port(), "POST", "/agents/echo/runs/" + run.id + "/resume",
                    form_urlencode(form), urlencoded};
    sse_client none{fx.port(), "POST", "/agents/echo/runs/" + unknown_run + "/resume",
                    form_urlencode(form), urlencoded};
    auto refused = stream_answer(mine, run.id);
    CHECK(refused.find("[error]") != std::string::npos);
    CHECK(refused == stream_answer(none, unknown_run));
  }
}

TEST_CASE("stream (EventSource) without the run's session or user answers as for an unknown run") {
  server_fixture fx;
  owned_run run{fx.port()};
  for (const auto& w : strangers()) {
    INFO(w.label);
    sse_client mine{fx.port(), "GET", "/agents/echo/runs/" + run.id + "/stream" + w.query};
    sse_client none{fx.port(), "GET", "/agents/echo/runs/" + unknown_run + "/stream" + w.query};
    auto refused = stream_answer(mine, run.id);
    CHECK(refused.find("[error]") != std::string::npos);
    CHECK(refused == stream_answer(none, unknown_run));
  }
}

TEST_CASE("cancel without the run's session or user answers as for an unknown run") {
  server_fixture fx;
  owned_run run{fx.port()};
  for (const auto& w : strangers()) {
    INFO(w.label);
    auto mine = request(fx.port(), "POST", "/agents/echo/runs/" + run.id + "/cancel",
                        form_urlencode(w.form), urlencoded);
    auto none = request(fx.port(), "POST", "/agents/echo/runs/" + unknown_run + "/cancel",
                        form_urlencode(w.form), urlencoded);
    CHECK(mine.status == 404);
    CHECK(answer(mine, run.id) == answer(none, unknown_run));
  }
  // Nothing was cancelled by the refused calls; the owner still can.
  CHECK(poll_until(fx.port(), run.id, "owner", "RUNNING")["status"] == "RUNNING");
  auto own = request(fx.port(), "POST", "/agents/echo/runs/" + run.id + "/cancel",
                     form_urlencode({{"session_id", "owner"}}), urlencoded);
  CHECK(own.status == 200);
  poll_until(fx.port(), run.id, "owner", "CANCELLED");
}
