#include "runnables/unavailable_tool_runner.hpp"

namespace runcast::runnables {

void unavailable_tool_runner::run(const tool_spec&, std::string, boost::asio::io_context&,
                                  std::function<void(tool_result)> done) {
  done(tool_result{false, "tools are not available in this build", {}});
}

} // namespace runcast::runnables
