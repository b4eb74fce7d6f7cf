#pragma once

#include "runnables/process_slots.hpp"
#include "runnables/process_spawn.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace runcast::runnables {

/// What a one-shot process run gives back.
struct process_result {
  int status = -1;            ///< exit status when `signal` is 0 (-1: did not run or unknown)
  int signal = 0;             ///< the signal that ended it, or 0
  std::string out;            ///< its stdout, up to `max_stdout_bytes`
  bool out_truncated = false; ///< stdout had more than that
  std::string stderr_tail;    ///< the end of its stderr (bounded)
  bool timed_out = false;     ///< it was terminated after `timeout`
  std::string error;          ///< why it did not start (missing program, node bound), or ""

  /// Started, not timed out, exit status 0.
  bool success() const {
    return error.empty() && !timed_out && signal == 0 && status == 0;
  }
};

/// The bounds of a one-shot run.
struct run_limits {
  std::chrono::milliseconds timeout{30'000};   ///< then the group is terminated
  std::chrono::milliseconds kill_grace{2'000}; ///< SIGTERM to SIGKILL
  size_t max_stdout_bytes = 1024 * 1024;       ///< stdout kept; the rest is read and dropped
};

/// Runs `opts.argv` once for a tool call: writes `stdin_bytes`, collects stdout (bounded),
/// terminates the group after the timeout, and calls `done` exactly once, on a thread of
/// `io`, never from within this call. With `slots`, the process takes one of the node's
/// slots (process_slots.hpp) and the run fails at once when there is none.
void run_process(boost::asio::io_context& io, const process_options& opts,
                 std::string stdin_bytes, run_limits limits,
                 std::function<void(process_result)> done,
                 std::shared_ptr<process_slots> slots = nullptr);

/// The error a spawn gets when the node's bound on child processes is reached.
std::string no_process_slot_error(const process_slots& slots);

} // namespace runcast::runnables
