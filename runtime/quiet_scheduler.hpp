#pragma once

#include "runtime/quiet_clock.hpp"

#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>

#include <thread>

namespace runcast::runtime {

/// CAF's work-stealing scheduler with a `quiet_clock` for its timers. Loaded by
/// `configure_actor_system` (`cfg.load<quiet_scheduler>()`): CAF takes a scheduler module
/// from the configuration when one is given.
///
/// The stock coordinator's own clock and its thread stay, idle (nothing reaches them once
/// `clock()` answers with this one; an idle clock thread waits without a timeout). This
/// clock gets a thread of its own, started after the workers and stopped after them, as
/// the coordinator does with its own.
class quiet_scheduler : public caf::scheduler::coordinator<caf::policy::work_stealing> {
public:
  using super = caf::scheduler::coordinator<caf::policy::work_stealing>;

  explicit quiet_scheduler(caf::actor_system& sys) : super(sys) {}

  static caf::actor_system::module* make(caf::actor_system& sys, caf::detail::type_list<>) {
    return new quiet_scheduler(sys);
  }

  quiet_clock& clock() noexcept override {
    return clock_;
  }

protected:
  void start() override;

  void stop() override;

private:
  quiet_clock clock_;
  std::thread thread_;
};

} // namespace runcast::runtime
