#include "runtime/quiet_scheduler.hpp"

// CAF 0.17's worker loop (caf/scheduler/worker.hpp) runs CAF_PUSH_AID_FROM_PTR around every
// job: a dynamic_cast of the job to an actor, and the logger's per-thread actor id set and
// restored under a spinlock. Debian's CAF defines CAF_LOG_LEVEL (as QUIET), which keeps the
// macro on although nothing is ever logged. The loop is a template, instantiated in the
// file that includes it: this file turns the macro off before it includes the worker, and
// instantiates the loop for a policy type of its own (below), so that its loop is a
// function of its own and not a second definition of CAF's. Only CAF's log reads the id
// (and `scheduled_actor::resume` still sets it for the actor's own messages).
// The macro comes with caf/logger.hpp, which the worker includes: had anything included
// either before this point, the worker could already be in with the macro on.
#ifdef CAF_PUSH_AID_FROM_PTR
#error "caf/logger.hpp was included before the worker's per-job bookkeeping was turned off"
#endif
#include <caf/logger.hpp>
#undef CAF_PUSH_AID_FROM_PTR
#define CAF_PUSH_AID_FROM_PTR(unused) CAF_VOID_STMT

#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "runtime/quiet_clock.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/detail/set_thread_name.hpp>

#include <thread>

namespace runcast::runtime {

namespace {

/// CAF's work-stealing policy under this file's own name (see the top of the file).
struct quiet_work_stealing : caf::policy::work_stealing {};

class quiet_scheduler : public caf::scheduler::coordinator<quiet_work_stealing> {
public:
  using super = caf::scheduler::coordinator<quiet_work_stealing>;

  explicit quiet_scheduler(caf::actor_system& sys) : super(sys) {
  }

  quiet_clock& clock() noexcept override {
    return clock_;
  }

protected:
  void start() override {
    thread_ = std::thread{[this] {
      caf::detail::set_thread_name("caf.clock");
      system().thread_started();
      clock_.run_dispatch_loop();
      system().thread_terminates();
    }};
    super::start();
  }

  void stop() override {
    // The workers first (the coordinator's stop): an actor they run may still set a timer.
    super::stop();
    clock_.cancel_dispatch_loop();
    thread_.join();
  }

private:
  quiet_clock clock_;
  std::thread thread_;
};

} // namespace

void use_quiet_scheduler(caf::actor_system_config& cfg) {
  cfg.module_factories.push_back(
    [](caf::actor_system& sys) -> caf::actor_system::module* { return new quiet_scheduler(sys); });
}

} // namespace runcast::runtime
