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

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace runcast::runtime {

namespace {

using steady = std::chrono::steady_clock;

/// A job that a worker finds after sleeping at least this long, and that (with what it
/// enqueues for itself) takes less than `lone_job`, is a lone one: a timer firing, a rare
/// request. Lone jobs do not end a worker's quiet time; anything denser does.
constexpr auto long_sleep = std::chrono::milliseconds{10};
constexpr auto lone_job = std::chrono::milliseconds{1};

/// CAF's work-stealing policy under this file's own name (see the top of the file), with a
/// worker's wait made long once it has been quiet for a while (`idle_sleep`).
struct quiet_work_stealing : caf::policy::work_stealing {
  using super = caf::policy::work_stealing;

  struct worker_data : super::worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator* p);
    idle_sleep idle;
    std::atomic<size_t>* idle_count; ///< the scheduler's count of workers in a long wait
    steady::time_point quiet_since;  ///< since when this worker has had only lone jobs
    steady::time_point woke_at;      ///< when it last found a job by waiting for one
    bool woke_from_long = false;     ///< whether it had then slept `long_sleep` or more
  };

  /// CAF's `dequeue`, but for how long a waiting worker sleeps (see `wait_for_job`).
  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    auto& data = d(self);
    // CAF's spinning and polling phases, as CAF runs them (runcast configures neither).
    for (size_t k = 0; k < 2; ++k) {
      auto& s = data.strategies[k];
      for (size_t i = 0; i < s.attempts; i += s.step_size) {
        if (auto job = data.queue.take_head())
          return job;
        if (i % s.steal_interval == 0)
          if (auto job = try_steal(self))
            return job;
        if (s.sleep_duration.count() > 0)
          std::this_thread::sleep_for(s.sleep_duration);
      }
    }
    if (auto job = data.queue.take_head()) // busy: no clock read, no lock
      return job;
    return wait_for_job(self);
  }

  /// CAF's relaxed phase: waits on the worker's condition variable, which a job enqueued from
  /// outside the scheduler notifies, and tries to steal each time a wait times out (the other
  /// worker's own jobs notify nobody). A wait lasts `relaxed-sleep-duration` (1 ms in runcast:
  /// the bound on how long a job waits behind a busy worker while this one sleeps) — unless
  /// the worker has had only lone jobs for `idle.after`: then it lasts `idle.wait`, so that
  /// an idle server's workers do not wake a thousand times a second each, nor its timers
  /// (a few a second) keep them doing so. An idle worker still wakes at once for a job from
  /// outside (an HTTP request, a store's answer); one job that is not a lone one brings back
  /// the short waits.
  template <class Worker>
  caf::resumable* wait_for_job(Worker* self) {
    auto& data = d(self);
    auto& relaxed = data.strategies[2];
    auto& wait = data.waitdata;
    auto began = steady::now();
    if (!data.woke_from_long || began - data.woke_at >= lone_job)
      data.quiet_since = began;
    auto idle_from = data.quiet_since + data.idle.after;
    auto slept = steady::duration::zero(); // of timed-out waits, as asked
    caf::resumable* job = nullptr;
    for (size_t i = 1; job == nullptr; ++i) {
      bool idle = began + slept >= idle_from;
      auto timeout = idle ? data.idle.wait : relaxed.sleep_duration;
      bool woken;
      {
        std::unique_lock<std::mutex> guard{wait.lock};
        wait.sleeping = true;
        if (idle)
          data.idle_count->fetch_add(1, std::memory_order_relaxed);
        woken = wait.cv.wait_for(guard, timeout, [&] { return !data.queue.empty(); });
        if (idle)
          data.idle_count->fetch_sub(1, std::memory_order_relaxed);
        wait.sleeping = false;
      }
      if (woken) {
        job = data.queue.take_head();
      } else {
        slept += std::chrono::duration_cast<steady::duration>(timeout);
        if (i % relaxed.steal_interval == 0)
          job = try_steal(self);
      }
    }
    data.woke_at = steady::now();
    data.woke_from_long = data.woke_at - began >= long_sleep;
    return job;
  }
};

class quiet_scheduler : public caf::scheduler::coordinator<quiet_work_stealing> {
public:
  using super = caf::scheduler::coordinator<quiet_work_stealing>;

  quiet_scheduler(caf::actor_system& sys, idle_sleep idle) : super(sys), idle_(idle) {
  }

  const idle_sleep& idle() const noexcept {
    return idle_;
  }

  quiet_clock& clock() noexcept override {
    return clock_;
  }

  std::atomic<size_t>& idle_count() noexcept {
    return idle_count_;
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
  idle_sleep idle_;
  std::atomic<size_t> idle_count_{0};
};

quiet_work_stealing::worker_data::worker_data(caf::scheduler::abstract_coordinator* p)
  : super::worker_data(p),
    idle(static_cast<quiet_scheduler*>(p)->idle()),
    idle_count(&static_cast<quiet_scheduler*>(p)->idle_count()),
    quiet_since(steady::now()) {
}

} // namespace

size_t idle_workers(caf::actor_system& sys) {
  auto* s = dynamic_cast<quiet_scheduler*>(&sys.scheduler());
  return s != nullptr ? s->idle_count().load(std::memory_order_relaxed) : 0;
}

void use_quiet_scheduler(caf::actor_system_config& cfg, idle_sleep idle) {
  cfg.module_factories.push_back([idle](caf::actor_system& sys) -> caf::actor_system::module* {
    return new quiet_scheduler(sys, idle);
  });
}

} // namespace runcast::runtime
