#include "runnables/process_tool_runner.hpp"

#include "runnables/run_process.hpp"

#include <chrono>

namespace runcast::runnables {

process_tool_runner::process_tool_runner(std::shared_ptr<process_slots> slots)
  : slots_(std::move(slots)) {
}

void process_tool_runner::run(const tool_spec& tool, std::string arguments,
                              boost::asio::io_context& io,
                              std::function<void(tool_result)> done) {
  process_options opts;
  opts.argv = tool.command;
  opts.cwd = tool.cwd;
  opts.env_allow = tool.env;
  run_limits limits;
  limits.timeout = tool.timeout;
  limits.kill_grace = std::chrono::milliseconds{1'000};
  auto started = std::chrono::steady_clock::now();
  auto name = tool.name;
  run_process(io, opts, std::move(arguments), limits,
              [done = std::move(done), started, name](process_result r) {
                tool_result out;
                out.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started);
                out.ok = r.success();
                if (out.ok)
                  out.text = std::move(r.out);
                else if (!r.error.empty())
                  out.text = "tool " + name + ": " + r.error;
                else if (r.timed_out)
                  out.text = "tool " + name + " timed out";
                else if (r.signal != 0)
                  out.text = "tool " + name + " killed by signal " + std::to_string(r.signal);
                else
                  out.text = "tool " + name + " exited with status " + std::to_string(r.status)
                             + ": " + r.stderr_tail;
                done(std::move(out));
              },
              slots_);
}

} // namespace runcast::runnables
