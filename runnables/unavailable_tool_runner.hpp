#pragma once

#include "runnables/tool_runner.hpp"

namespace runcast::runnables {

/// The tool runner of a build without process support: every call fails with "tools are
/// not available in this build", so the model hears why and can answer without them.
class unavailable_tool_runner : public tool_runner {
public:
  /// Calls `done` at once (on this thread) with the failure.
  void run(const tool_spec& tool, std::string arguments, boost::asio::io_context& io,
           std::function<void(tool_result)> done) override;
};

} // namespace runcast::runnables
