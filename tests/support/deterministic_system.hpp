#pragma once

// An actor system on CAF's deterministic test scheduler: nothing runs until the test says
// so, and time moves only when the test advances it. Actor logic is then tested step by
// step, without threads racing or sleeps.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>

namespace runcast::test {

/// A CAF actor system whose scheduler is `caf::scheduler::test_coordinator`.
struct deterministic_system {
  deterministic_system()
    : sys(configure(cfg)),
      self(sys, true),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
  }

  /// Lets every actor handle its messages until no message is left; how many were handled.
  size_t run() {
    return sched.run();
  }

  /// Moves the clock by `d` (delayed messages and timeouts due by then fire), then runs.
  size_t advance(std::chrono::milliseconds d) {
    sched.clock().advance_time(d);
    return run();
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self; ///< the test's own actor, to send and receive
  caf::scheduler::test_coordinator& sched;

private:
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    return cfg;
  }
};

} // namespace runcast::test
