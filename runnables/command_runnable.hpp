#pragma once

#include "actors/run_context.hpp"
#include "actors/runnable.hpp"
#include "runnables/command_config.hpp"
#include "runnables/process_slots.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace runcast::runnables {

/// The `command` runnable, an async producer: runs the operator's program (command_config)
/// in its own process group and emits each line of its stdout as a content event (the line
/// with its '\n'). Exit 0 completes the run with the output (the first `max_output_bytes`,
/// with a note when cut); another exit fails it with "exit status N: <stderr tail>" (or
/// "killed by signal S…"); past `timeout` the group is terminated and the run fails "timed
/// out after N ms"; a cancel terminates the group. When the run actor has too many events
/// waiting, reading the pipe pauses and is retried `retry_delay` later: no line is dropped.
class command_runnable : public actors::async_runnable {
public:
  /// How long a refused line waits before it is offered again.
  static constexpr std::chrono::milliseconds retry_delay{20};

  /// One run of `config` with the run's `message`; the process takes one of `slots`.
  command_runnable(command_config config, std::string message,
                   std::shared_ptr<process_slots> slots);

  void start(std::shared_ptr<actors::run_context> ctx) override;

private:
  struct state;
  command_config config_;
  std::string message_;
  std::shared_ptr<process_slots> slots_;
};

} // namespace runcast::runnables
