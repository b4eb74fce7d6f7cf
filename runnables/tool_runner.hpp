#pragma once

#include "runnables/tool_spec.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace runcast::runnables {

/// How one tool call ended: its output for the model, or why it failed.
struct tool_result {
  bool ok = false;                        ///< the tool ran and succeeded
  std::string text;                       ///< the result when `ok`, else the error
  std::chrono::milliseconds duration{0};  ///< how long it ran
};

/// Executes tools for model runnables. Injected so that the runnable never spawns processes
/// itself: the integrator plugs in a runner built on runnables/child_process; tests plug in a
/// fake. An implementation must not block the calling thread (it is an Asio thread).
class tool_runner {
public:
  virtual ~tool_runner() = default;

  /// Runs `tool` with the model's `arguments` (JSON text) on `io` and calls `done` exactly
  /// once, from any thread, within the tool's timeout (the runner enforces it).
  virtual void run(const tool_spec& tool, std::string arguments, boost::asio::io_context& io,
                   std::function<void(tool_result)> done) = 0;
};

} // namespace runcast::runnables
