#include "runnables/builtins.hpp"

#include "runnables/echo_runnable.hpp"
#include "runnables/openai_runnable.hpp"
#include "runnables/unavailable_tool_runner.hpp"

namespace runcast::runnables {

actors::runnable_registry builtins(std::shared_ptr<tool_runner> tools) {
  actors::runnable_registry r;
  r.add("echo", [](const component&, const actors::run_info& info) {
    auto delay = actors::int_param(info.params, "delay_ms", 20, 0, echo_runnable::max_delay_ms);
    return std::make_shared<echo_runnable>(info.message, std::chrono::milliseconds{delay},
                                           info.names.content);
  });
  if (!tools)
    tools = std::make_shared<unavailable_tool_runner>();
  r.add("openai", openai_runnable::factory(std::move(tools)));
  return r;
}

} // namespace runcast::runnables
