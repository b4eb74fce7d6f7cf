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
#include <utility>

namespace runcast::runtime {

namespace {

using steady = std::chrono::steady_clock;

/// CAF's work-stealing policy under this file's own name (see the top of the file), with a
/// worker's wait made long once it has been quiet for a while (`idle_sleep`), and a job
/// that would wait behind a busy worker waking an idle one.
struct quiet_work_stealing : caf::policy::work_stealing {
  using super = caf::policy::work_stealing;

  struct worker_data : super::worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator* p);
    worker_data(const worker_data& other);
    idle_sleep idle;
    std::atomic<size_t>* idle_count;   ///< the scheduler's count of workers in a long wait
    std::atomic<bool> in_long_wait{false}; ///< written under `waitdata.lock`
    size_t steal_from = 0;             ///< 1 + whose queue to steal from; `waitdata.lock`
    bool stealing = false;             ///< woken to steal: short waits until a steal fails
    steady::time_point window_start;   ///< of the current span of `idle.after`
    size_t wakes = 0;                  ///< waits that ended with a job in that span
    bool idle_mode = false;            ///< whether waits are long (the span before was quiet)
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

  /// A job from outside: as CAF does it (its worker is notified if it waits), and if that
  /// worker is busy, an idle one is woken to take it (`wake_an_idle_worker`).
  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    super::external_enqueue(self, job);
    if (!d(self).in_long_wait.load(std::memory_order_relaxed))
      wake_an_idle_worker(self);
  }

  /// A job of a busy worker's own (an actor it runs sent a message or spawned one): it waits
  /// until that worker is done, unless another takes it.
  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    super::internal_enqueue(self, job);
    wake_an_idle_worker(self);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    super::resume_job_later(self, job);
    wake_an_idle_worker(self);
  }

  /// Wakes one worker that is in its long wait, if any, to steal from `self`'s queue. A
  /// waiting worker steals on its own only when a wait times out; a short wait bounds how
  /// long a job waits behind a busy worker, a long one would not. When no worker is idle
  /// (any busy server) this is one atomic load (a plain load on x86). A worker that goes
  /// idle just after that load is not woken: it finds the job itself (wait_for_job).
  template <class Worker>
  void wake_an_idle_worker(Worker* self) {
    if (d(self).idle_count->load() == 0) // after the enqueue: see wait_for_job
      return;
    auto* parent = self->parent();
    for (size_t i = 0; i < parent->num_workers(); ++i) {
      auto& other = d(parent->worker_by_id(i));
      if (i == self->id() || !other.in_long_wait.load(std::memory_order_relaxed))
        continue;
      std::lock_guard<std::mutex> guard{other.waitdata.lock};
      if (!other.in_long_wait.load(std::memory_order_relaxed) || other.steal_from != 0)
        continue;
      other.steal_from = self->id() + 1;
      other.waitdata.cv.notify_one();
      return;
    }
  }

  /// CAF's relaxed phase: waits on the worker's condition variable, which a job enqueued from
  /// outside the scheduler notifies, and tries to steal each time a wait times out (the other
  /// worker's own jobs notify nobody). A wait lasts `relaxed-sleep-duration` (1 ms in runcast:
  /// the bound on how long a job waits behind a busy worker while this one sleeps) — unless
  /// the worker's waits ended with a job at most `idle.wakes` times in the last span of
  /// `idle.after`: then it lasts `idle.wait`, so that an idle server's workers do not wake a
  /// thousand times a second each. An idle worker wakes at once for a job from outside (an
  /// HTTP request, a store's answer) and for one that would wait behind a busy worker
  /// (`wake_an_idle_worker`), after which it waits short and steals until a steal finds
  /// nothing; its wake-up after `idle.wakes` brings back the short waits for good.
  template <class Worker>
  caf::resumable* wait_for_job(Worker* self) {
    auto& data = d(self);
    auto& relaxed = data.strategies[2];
    auto& wait = data.waitdata;
    caf::resumable* job = nullptr;
    for (size_t i = 1; job == nullptr; ++i) {
      next_span_if_due(data);
      bool long_wait = data.idle_mode && !data.stealing;
      auto timeout = long_wait ? data.idle.wait : relaxed.sleep_duration;
      bool woken = false;
      size_t victim;
      {
        std::unique_lock<std::mutex> guard{wait.lock};
        wait.sleeping = true;
        if (long_wait) {
          // Counted as idle first, then one look at the other workers' queues: a job that
          // a busy worker queued before it saw this count woke no one, and is found here; one
          // queued after, it wakes this worker for (the order of these two sequentially
          // consistent steps, and of that worker's enqueue and its load of the count, leaves
          // no job in between; exactly so for two workers, whose steal has one victim).
          data.in_long_wait.store(true);
          data.idle_count->fetch_add(1);
          job = try_steal(self);
        }
        if (job == nullptr)
          woken = wait.cv.wait_for(guard, timeout,
                                   [&] { return !data.queue.empty() || data.steal_from != 0; });
        if (long_wait) {
          data.idle_count->fetch_sub(1);
          data.in_long_wait.store(false);
        }
        victim = std::exchange(data.steal_from, 0);
        wait.sleeping = false;
      }
      if (job != nullptr) {
        data.stealing = true; // there may be more: see below
        break;
      }
      if (woken)
        job = data.queue.take_head();
      if (victim != 0) {
        // The busy worker may have more behind the job it woke this one for, and wakes no
        // one for them while this one is not idle: steal on each short wait's end, as CAF
        // does, until a steal finds nothing.
        data.stealing = true;
        if (job == nullptr)
          job = d(self->parent()->worker_by_id(victim - 1)).queue.take_tail();
      } else if (!woken && i % relaxed.steal_interval == 0) {
        job = try_steal(self);
        if (job == nullptr)
          data.stealing = false;
      }
    }
    if (++data.wakes > data.idle.wakes)
      data.idle_mode = false;
    return job;
  }

  /// Starts the next span of `idle.after` if the current one is over: its waits are long if
  /// the span that ended was quiet.
  static void next_span_if_due(worker_data& data) {
    auto now = steady::now();
    if (now - data.window_start < data.idle.after)
      return;
    data.idle_mode = data.wakes <= data.idle.wakes;
    data.wakes = 0;
    data.window_start = now;
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
    window_start(steady::now()) {
}

quiet_work_stealing::worker_data::worker_data(const worker_data& other)
  : super::worker_data(other),
    idle(other.idle),
    idle_count(other.idle_count),
    window_start(other.window_start) {
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
