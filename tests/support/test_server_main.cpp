// runcast_test_server: the runcast executable with two test runnables beside echo, each
// offered as an agent — `ticker` (an async producer on the runtime's executor) and
// `counter` (a CAF actor) — and agents of the built-in `command` runnable running
// tests/support/scripts/ (`command-lines`, `command-cat`, `command-fail`, `command-sleep`).
// Integration and cluster tests run it (RUNCAST_BIN) to drive every runnable shape over HTTP.

#include "app/serve.hpp"
#include "runnables/builtins.hpp"
#include "tests/support/counter_runnable.hpp"
#include "tests/support/source_dir.hpp"
#include "tests/support/ticker_runnable.hpp"

#include <string>

namespace {

using namespace runcast;

int count_param(const actors::run_info& info) {
  return static_cast<int>(actors::int_param(info.params, "count", 10, 0, 100'000));
}

std::chrono::milliseconds delay_param(const actors::run_info& info) {
  return std::chrono::milliseconds{actors::int_param(info.params, "delay_ms", 20, 0, 60'000)};
}

int fail_at_param(const actors::run_info& info) {
  return static_cast<int>(actors::int_param(info.params, "fail_at", -1, -1, 100'000));
}

/// tests/support/scripts, absolute (tests/support/source_dir.hpp).
std::string scripts_dir() {
  return test::source_dir() + "/tests/support/scripts";
}

/// An agent of the `command` runnable with `command` as its spec's "command".
component command_agent(const std::string& id, nlohmann::json command) {
  component c{"agents", id, id, "command runnable (test)", "command", nlohmann::json::object()};
  c.spec = {{"command", std::move(command)}};
  return c;
}

/// A team of two echo members, one after the other, and a workflow for each kind of step:
/// one that fails in its second step, a parallel block, a condition (taken when the message
/// says "yes"), a loop (stopping early when the message says "stop", else after three).
std::vector<component> compositions() {
  auto echo = [](const char* name) { return nlohmann::json{{"name", name}, {"agent", "echo"}}; };
  auto flow = [](const char* id, nlohmann::json steps) {
    return component{"workflows", id, id, "workflow (test)", "workflow",
                     nlohmann::json::object(), {{"steps", std::move(steps)}}};
  };
  return {
    {"teams", "echo-relay", "echo-relay", "sequential team (test)", "team",
     nlohmann::json::object(),
     {{"mode", "sequential"}, {"members", {"echo", "echo"}}, {"on_member_error", "fail"}}},
    flow("flow-fail", {echo("first"), {{"name", "broken"}, {"agent", "command-fail"}},
                       echo("never")}),
    flow("flow-parallel",
         {{{"name", "both"}, {"parallel", {echo("left"), echo("right")}}}, echo("after")}),
    flow("flow-condition",
         {echo("first"), {{"name", "check"},
                          {"condition", {{"if", "yes"}, {"steps", {echo("taken")}}}}}}),
    flow("flow-loop", {{{"name", "again"},
                        {"loop", {{"steps", {echo("round")}}, {"max_iterations", 3},
                                  {"until", "stop"}}}}}),
  };
}

} // namespace

int main(int argc, char** argv) {
  auto runnables = runnables::builtins();
  runnables.add("ticker", [](const component&, const actors::run_info& info) {
    return std::make_shared<test::ticker_runnable>(count_param(info), delay_param(info),
                                                   fail_at_param(info));
  });
  runnables.add("counter", [](const component&, const actors::run_info& info) {
    return std::make_shared<test::counter_runnable>(count_param(info), delay_param(info),
                                                    fail_at_param(info));
  });
  std::vector<component> extra{
    {"agents", "ticker", "Ticker", "async producer (test)", "ticker", nlohmann::json::object()},
    {"agents", "counter", "Counter", "CAF actor (test)", "counter", nlohmann::json::object()},
  };
  auto scripts = scripts_dir();
  extra.push_back(command_agent("command-lines", {{"argv", {"/bin/sh", scripts + "/lines.sh",
                                                            "{message}"}},
                                                  {"input", "argument"},
                                                  {"cwd", scripts}}));
  extra.push_back(command_agent("command-cat", {{"argv", {"cat"}}}));
  extra.push_back(command_agent("command-fail", {{"argv", {"/bin/sh", scripts + "/fail.sh"}}}));
  extra.push_back(command_agent("command-sleep", {{"argv", {"/bin/sh", scripts + "/sleeper.sh"}},
                                                  {"kill_grace_ms", 1000}}));
  for (auto& c : compositions())
    extra.push_back(std::move(c));
  return app::main_with(argc, argv, std::move(runnables), extra);
}
