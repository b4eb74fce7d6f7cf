#include "tests/integration/runnable_scenarios.hpp"

#include <catch2/catch.hpp>

namespace runcast::test {

namespace {

/// The form starting `events` contents `delay_ms` apart on any of the test components.
fields run_form(int events, int delay_ms) {
  return {{"message", words(events)}, {"count", std::to_string(events)},
          {"delay_ms", std::to_string(delay_ms)}, {"background", "true"}};
}

} // namespace

const std::vector<runnable_shape>& test_shapes() {
  static const std::vector<runnable_shape> shapes{
    {"agents/echo", "RunStarted", "RunContent", "RunCompleted", "RunCancelled", "w"},
    {"agents/ticker", "RunStarted", "RunContent", "RunCompleted", "RunCancelled", "tick "},
    {"agents/counter", "RunStarted", "RunContent", "RunCompleted", "RunCancelled", "count "},
  };
  return shapes;
}

void stream_resume_mid_run(const runnable_shape& shape, uint16_t start_port,
                           uint16_t resume_port, int events) {
  INFO("component " << shape.component);
  auto first = start_stream(start_port, run_form(events, 40), shape.component);
  REQUIRE(first->status() == 200);
  auto head = read_frames(*first, 5);
  first->close(); // the client drops mid-run; a background run goes on
  REQUIRE(head[0].event == shape.started);
  for (size_t i = 1; i < head.size(); ++i) {
    CHECK(head[i].event == shape.content);
    CHECK(head[i].json()["content"].get<std::string>().rfind(shape.content_prefix, 0) == 0);
  }
  auto run_id = head[0].json()["run_id"].get<std::string>();
  auto session_id = head[0].json()["session_id"].get<std::string>();

  auto rest = resume(resume_port, run_id, session_id, 4, shape.component);
  auto frames = read_to_end(*rest);
  REQUIRE(frames.size() >= 2);
  // The run has ~1 s to go: this is its live tail (through the cluster when the ports differ).
  CHECK(frames.front().event == "catch_up");
  auto tail = events_by_index(frames);
  // started + `events` contents + completed; the client had 0..4.
  REQUIRE(tail.size() == static_cast<size_t>(events + 2 - 5));
  int64_t expected = 5;
  for (const auto& [index, data] : tail)
    CHECK(index == expected++);
  CHECK(frames.back().event == shape.completed);
  CHECK(frames.back().json()["content"].is_string());

  auto all = resume(start_port, run_id, session_id, -1, shape.component);
  auto everything = events_by_index(read_to_end(*all));
  REQUIRE(everything.size() == static_cast<size_t>(events + 2));
  for (const auto& f : head)
    CHECK(everything.at(std::stoll(*f.id)) == f.data);
  for (const auto& [index, data] : tail)
    CHECK(everything.at(index) == data);
}

void cancel_through_http(const runnable_shape& shape, uint16_t start_port, uint16_t cancel_port) {
  INFO("component " << shape.component);
  auto res = request(start_port, "POST", "/" + shape.component + "/runs",
                     form_urlencode([] {
                       auto f = run_form(500, 50);
                       f.emplace_back("stream", "false");
                       return f;
                     }()),
                     "application/x-www-form-urlencoded");
  REQUIRE(res.status == 202);
  auto run_id = res.json()["run_id"].get<std::string>();
  auto session_id = res.json()["session_id"].get<std::string>();
  poll_until(cancel_port, run_id, session_id, "RUNNING", std::chrono::seconds{20},
             shape.component);
  auto cancel = request(cancel_port, "POST", "/" + shape.component + "/runs/" + run_id + "/cancel",
                        form_urlencode({{"session_id", session_id}}),
                        "application/x-www-form-urlencoded");
  INFO("cancel answered " << cancel.body);
  CHECK(cancel.status == 200);
  poll_until(cancel_port, run_id, session_id, "CANCELLED", std::chrono::seconds{20},
             shape.component);
  auto replay = resume(cancel_port, run_id, session_id, -1, shape.component);
  auto frames = read_to_end(*replay);
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.back().event == shape.cancelled);
  auto events = events_by_index(frames);
  CHECK(events.size() < 502); // it stopped early
}

} // namespace runcast::test
