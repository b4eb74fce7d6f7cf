#include "runnables/builtins.hpp"

#include "runnables/bench_runnable.hpp"
#include "runnables/command_runnable.hpp"
#include "runnables/echo_runnable.hpp"
#include "runnables/openai_runnable.hpp"
#include "runnables/process_tool_runner.hpp"
#include "runnables/team_runnable.hpp"
#include "runnables/workflow_runnable.hpp"

#include <stdexcept>

namespace runcast::runnables {

actors::runnable_registry builtins(size_t max_child_processes,
                                   std::shared_ptr<tool_runner> tools) {
  actors::runnable_registry r;
  r.add("echo", [](const component&, const actors::run_info& info) {
    auto delay = actors::int_param(info.params, "delay_ms", 20, 0, echo_runnable::max_delay_ms);
    return std::make_shared<echo_runnable>(info.message, std::chrono::milliseconds{delay},
                                           info.names.content);
  });
  r.add("bench", [](const component&, const actors::run_info& info) {
    bench_runnable::params p;
    p.events = actors::int_param(info.params, "events", 1000, 0, 100'000'000);
    p.bytes = static_cast<size_t>(actors::int_param(info.params, "bytes", 200, 16, 65'536));
    p.rate = actors::int_param(info.params, "rate", 0, 0, 10'000'000);
    p.wait = std::chrono::milliseconds{actors::int_param(info.params, "wait_ms", 0, 0, 60'000)};
    return std::make_shared<bench_runnable>(p, info.names.content);
  });
  r.add("team", [](const component& c, const actors::run_info&) {
    return std::make_shared<team_runnable>(team_spec::from(c));
  });
  r.add("workflow", [](const component& c, const actors::run_info&) {
    if (!c.spec.is_object() || !c.spec.contains("steps"))
      throw std::invalid_argument("workflow " + c.id + " has no steps");
    return std::make_shared<workflow_runnable>(
      std::make_shared<const std::vector<workflow_step>>(
        workflow_step::list_from(c.spec.at("steps"), "workflow " + c.id)));
  });
  // One counter for every runnable of this registry that spawns processes.
  auto slots = std::make_shared<process_slots>(max_child_processes);
  r.add("command", [slots](const component& c, const actors::run_info& info) {
    return std::make_shared<command_runnable>(command_config::from_spec(c.spec), info.message,
                                              slots);
  });
  if (!tools)
    tools = std::make_shared<process_tool_runner>(slots);
  r.add("openai", openai_runnable::factory(std::move(tools)));
  return r;
}

} // namespace runcast::runnables
