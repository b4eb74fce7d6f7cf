#pragma once

#include "actors/run_context.hpp"
#include "actors/runnable.hpp"

#include <chrono>
#include <memory>

namespace runcast::test {

/// A test async_runnable: a timer on the runtime's executor (not a CAF thread) emits
/// "tick 0", "tick 1", … `delay` apart, then completes with "ticked N". A cancel stops the
/// timer. Parameters: `count` (default 10), `delay_ms` (default 20), `fail_at` (fail the
/// run with "ticker failed at N" instead of emitting tick N; default never).
class ticker_runnable : public actors::async_runnable {
public:
  ticker_runnable(int count, std::chrono::milliseconds delay, int fail_at = -1);

  void start(std::shared_ptr<actors::run_context> ctx) override;

private:
  struct state;
  int count_;
  std::chrono::milliseconds delay_;
  int fail_at_;
};

} // namespace runcast::test
