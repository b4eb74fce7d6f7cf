#pragma once

#include "actors/runnable_actor.hpp"

#include <chrono>

namespace runcast::test {

/// A test actor_runnable: a CAF actor that sends "count 0", "count 1", … to its run
/// `delay` apart (its own timer), then ends with `done` ("counted N"); a cancel stops it.
/// Parameters: `count` (default 10), `delay_ms` (default 20), `fail_at` (the actor dies
/// instead of sending count N, before `done`; default never).
class counter_runnable : public actors::actor_runnable {
public:
  counter_runnable(int count, std::chrono::milliseconds delay, int fail_at = -1);

  actors::runnable_actor spawn(caf::actor_system& sys) override;

private:
  int count_;
  std::chrono::milliseconds delay_;
  int fail_at_;
};

} // namespace runcast::test
