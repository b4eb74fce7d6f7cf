#pragma once

#include <string>

namespace runcast::runnables {

/// A function call the model asked for in one round, assembled from the stream's
/// `delta.tool_calls` fragments.
struct tool_call {
  std::string id;        ///< the model's id for it, echoed back in the tool message
  std::string name;      ///< the tool's name
  std::string arguments; ///< JSON text, as the model wrote it (maybe not valid JSON)
};

} // namespace runcast::runnables
