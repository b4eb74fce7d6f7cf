// The built-in `command` runnable through HTTP (runcast_test_server's command agents, which
// run tests/support/scripts): stdout lines stream as content events, a failing program ends
// its run ERROR with its status and stderr, a cancel leaves no process of the group, and a
// run resumes in the middle and replays from the store with the same bytes.

#include "tests/integration/runnable_scenarios.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>

using namespace runcast::test;

namespace {

const runnable_shape command_lines{"agents/command-lines", "RunStarted", "RunContent",
                                   "RunCompleted", "RunCancelled", "w"};

/// No process of group `pgid` is left (bounded: the killed processes' zombies are reaped by
/// their new parent, not by us).
bool group_gone(pid_t pgid) {
  return eventually([pgid] { return ::kill(-pgid, 0) == -1 && errno == ESRCH; });
}

} // namespace

TEST_CASE("a command's stdout lines stream as content events and then the run completes") {
  server_fixture fx;
  auto run = start_stream(fx.port(), {{"message", "alpha beta gamma"}}, "agents/command-lines");
  REQUIRE(run->status() == 200);
  auto frames = read_to_end(*run);
  REQUIRE(frames.size() == 5);
  CHECK(frames[0].event == "RunStarted");
  std::vector<std::string> contents;
  for (size_t i = 1; i < 4; ++i) {
    CHECK(frames[i].event == "RunContent");
    contents.push_back(frames[i].json()["content"].get<std::string>());
  }
  CHECK(contents == std::vector<std::string>{"alpha\n", "beta\n", "gamma\n"});
  CHECK(frames[4].event == "RunCompleted");
  CHECK(frames[4].json()["content"] == "alpha\nbeta\ngamma\n");

  // The message on stdin; a last line without '\n' is a line too.
  auto cat = start_stream(fx.port(), {{"message", "one\ntwo"}}, "agents/command-cat");
  auto cat_frames = read_to_end(*cat);
  REQUIRE(cat_frames.size() == 4);
  CHECK(cat_frames[1].json()["content"] == "one\n");
  CHECK(cat_frames[2].json()["content"] == "two");
  CHECK(cat_frames[3].event == "RunCompleted");
  CHECK(cat_frames[3].json()["content"] == "one\ntwo");
}

TEST_CASE("a command that exits non-zero ends its run ERROR with its status and stderr tail") {
  server_fixture fx;
  auto run = start_stream(fx.port(), {{"message", "x"}}, "agents/command-fail");
  auto frames = read_to_end(*run);
  REQUIRE(frames.size() == 3);
  CHECK(frames[1].json()["content"] == "started\n");
  CHECK(frames[2].event == "RunError");
  auto error = frames[2].json()["content"].get<std::string>();
  CHECK(error == "exit status 3: something broke");
  auto session_id = frames[0].json()["session_id"].get<std::string>();
  auto run_id = frames[0].json()["run_id"].get<std::string>();
  auto polled = poll_until(fx.port(), run_id, session_id, "ERROR", std::chrono::seconds{20},
                           "agents/command-fail");
  CHECK(polled["error"].get<std::string>().find("exit status 3") != std::string::npos);
}

TEST_CASE("a command cancelled through HTTP ends CANCELLED and leaves no process of its group") {
  server_fixture fx;
  auto run = start_stream(fx.port(), {{"message", "x"}, {"background", "true"}},
                          "agents/command-sleep");
  auto head = read_frames(*run, 2); // started, then the script's process id = its group's
  run->close();
  REQUIRE(head[1].event == "RunContent");
  auto pgid = static_cast<pid_t>(std::stol(head[1].json()["content"].get<std::string>()));
  REQUIRE(pgid > 1);
  CHECK(::kill(-pgid, 0) == 0); // the group runs
  auto run_id = head[0].json()["run_id"].get<std::string>();
  auto session_id = head[0].json()["session_id"].get<std::string>();
  auto cancel = request(fx.port(), "POST", "/agents/command-sleep/runs/" + run_id + "/cancel",
                        form_urlencode({{"session_id", session_id}}),
                        "application/x-www-form-urlencoded");
  INFO("cancel answered " << cancel.body);
  CHECK(cancel.status == 200);
  poll_until(fx.port(), run_id, session_id, "CANCELLED", std::chrono::seconds{20},
             "agents/command-sleep");
  CHECK(group_gone(pgid));
  auto replay = resume(fx.port(), run_id, session_id, -1, "agents/command-sleep");
  auto frames = read_to_end(*replay);
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.back().event == "RunCancelled");
}

TEST_CASE("a command run resumes in the middle and replays from memory and store alike") {
  server_fixture fx{{"--retention-ms", "2000"}};
  stream_resume_mid_run(command_lines, fx.port(), fx.port());

  // Another run, replayed in full while its event log is in memory and again from the
  // store once retention has dropped it: the same bytes for every index.
  auto run = start_stream(fx.port(), {{"message", words(8)}}, "agents/command-lines");
  auto live = events_by_index(read_to_end(*run));
  REQUIRE(live.size() == 10);
  auto started = nlohmann::json::parse(live.at(0));
  auto replay_all = [&] {
    auto c = resume(fx.port(), started["run_id"].get<std::string>(),
                    started["session_id"].get<std::string>(), -1, command_lines.component);
    return events_by_index(read_to_end(*c));
  };
  auto from_memory = replay_all();
  REQUIRE(eventually([&] { return metric(fx.port(), "runcast_event_logs") == 0; }));
  auto from_store = replay_all();
  CHECK(from_memory == live);
  CHECK(from_store == live);
}

TEST_CASE("a command run is cancelled through HTTP like every runnable shape") {
  server_fixture fx;
  cancel_through_http(command_lines, fx.port(), fx.port());
}
