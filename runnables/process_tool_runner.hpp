#pragma once

#include "runnables/process_slots.hpp"
#include "runnables/tool_runner.hpp"

#include <memory>

namespace runcast::runnables {

/// Runs a model's tool call as the operator configured it: the tool's argv (never the
/// model's), the arguments JSON on stdin, its stdout the result; a non-zero exit, a signal
/// or the tool's timeout makes the call an error with the stderr tail. Processes take the
/// node's slots like commands do.
class process_tool_runner : public tool_runner {
public:
  explicit process_tool_runner(std::shared_ptr<process_slots> slots);

  void run(const tool_spec& tool, std::string arguments, boost::asio::io_context& io,
           std::function<void(tool_result)> done) override;

private:
  std::shared_ptr<process_slots> slots_;
};

} // namespace runcast::runnables
