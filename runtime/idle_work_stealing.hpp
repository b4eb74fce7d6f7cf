#pragma once

// Only runtime/quiet_scheduler.cpp includes this: it instantiates CAF's worker loop for this
// policy there, with the log's per-job bookkeeping off.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/timespan.hpp>

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace runcast::runtime::detail {

/// CAF 0.17's work-stealing policy, with workers that sleep while the node is idle.
///
/// CAF's idle worker waits on its condition variable `relaxed-sleep-duration` at a time and
/// tries to steal between waits: a worker that enqueues for itself (an actor's message to
/// another actor), or is handed a job while busy, wakes nobody, so a sibling finds that work
/// only when its wait ends. runcast waits 1 ms (engine.cpp) to keep that delay short, which
/// costs an idle node ~1,000 wake-ups a second per worker. Here a worker that has found
/// nothing for `deep_after` sleeps deeply, and every job queued for a worker
/// that will not run it at once wakes one deep sleeper: one enqueued by a worker for itself,
/// handed to a busy worker from outside, or put back by an actor that yields. The enqueuer's
/// side of that handshake is a plain load: the sleeper, once per sleep, makes every thread
/// of the process pass a memory barrier (Linux's membarrier), which the enqueuer would
/// otherwise need on every job (a fence there cost ~1 % more CPU in the LLM-shaped
/// benchmark). Where membarrier is refused, workers never sleep deeply: CAF's behaviour.
struct idle_work_stealing : caf::policy::work_stealing {
  using super = caf::policy::work_stealing;

  /// How long a worker finds nothing before it sleeps deeply. Requests a few ms apart keep
  /// workers in short waits; a node holding finished runs still sweeps them once a second
  /// (run_manager), so this must be well under a second for its workers to sleep at all.
  static constexpr auto deep_after = std::chrono::milliseconds{100};
  /// Where a deep sleep's timeout is in the system's config (use_quiet_scheduler puts it).
  static constexpr const char* deep_wait_key = "runcast.deep-sleep-wait";
  static constexpr auto default_deep_wait = std::chrono::milliseconds{100};

  struct coordinator_data : super::coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator* p)
      : super::coordinator_data(p),
        may_sleep(::syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0)
                  == 0) {
    }
    const bool may_sleep;                    ///< membarrier works: deep sleeps are safe
    std::atomic<size_t> deep_sleepers{0};    ///< workers in (or entering) a deep sleep
    std::atomic<uint64_t> woken_for_work{0}; ///< deep sleeps ended by a sibling's wake
  };

  struct worker_data : super::worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator* p)
      : super::worker_data(p),
        deep_wait(caf::get_or(p->system().config(), deep_wait_key,
                              caf::timespan{default_deep_wait})) {
    }
    worker_data(const worker_data& other)
      : super::worker_data(other), deep_wait(other.deep_wait) {
    }
    caf::timespan deep_wait;
    /// Short waits in a row that ended with nothing found; the worker's thread only.
    size_t idle_waits = 0;
    bool deep = false;     ///< asleep deeply, until a sibling clears it; under waitdata.lock
  };

  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    d(self).queue.prepend(job);
    wake_deep_sleeper(self);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    auto& own = d(self);
    own.queue.append(job);
    bool waiting = false;
    {
      std::lock_guard<std::mutex> guard{own.waitdata.lock};
      waiting = own.waitdata.sleeping;
      if (waiting)
        own.waitdata.cv.notify_one();
    }
    if (!waiting)
      wake_deep_sleeper(self); // busy: the job waits for it, or for a sibling
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    auto& own = d(self);
    auto others_queued = !own.queue.empty();
    own.queue.append(job);
    if (others_queued)
      wake_deep_sleeper(self);
  }

  /// CAF's relaxed loop (its own queue first, waiting a short wait for it; a steal only after
  /// a wait found nothing), and a deep sleep once such waits add up to `deep_after`.
  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    auto& own = d(self);
    const auto& wait = own.strategies[2].sleep_duration;
    for (;;) {
      // Counted, not timed: no clock read per wait on a busy node.
      if (own.idle_waits * wait >= deep_after && d(self->parent()).may_sleep) {
        if (auto* job = deep_sleep(self)) {
          own.idle_waits = 0;
          return job;
        }
        continue; // and sleep again
      }
      bool woken = false;
      {
        std::unique_lock<std::mutex> guard{own.waitdata.lock};
        own.waitdata.sleeping = true;
        woken = own.waitdata.cv.wait_for(guard, wait, [&] { return !own.queue.empty(); });
        own.waitdata.sleeping = false;
      }
      auto* job = woken ? own.queue.take_head() : try_steal(self);
      if (job != nullptr) {
        own.idle_waits = 0;
        return job;
      }
      if (!woken)
        ++own.idle_waits;
    }
  }

private:
  /// After a job was queued for `self`, which may not run it at once: wakes one worker in a
  /// deep sleep, if any.
  template <class Worker>
  static void wake_deep_sleeper(Worker* self) {
    // Pairs with the membarrier in deep_sleep, which makes this a full barrier whenever it
    // matters: either the sleeper's last look finds the job, or this finds it counted.
    std::atomic_signal_fence(std::memory_order_seq_cst);
    auto* parent = self->parent();
    auto& shared = d(parent);
    if (shared.deep_sleepers.load(std::memory_order_relaxed) == 0)
      return;
    for (size_t i = 0; i < parent->num_workers(); ++i) {
      auto* other = parent->worker_by_id(i);
      if (other == self)
        continue;
      auto& wait = d(other).waitdata;
      std::lock_guard<std::mutex> guard{wait.lock};
      if (d(other).deep) {
        d(other).deep = false;
        wait.cv.notify_one();
        return; // one sleeper per job
      }
    }
  }

  /// The oldest job of any sibling, looking at each once from a random one on.
  template <class Worker>
  caf::resumable* steal_any(Worker* self) {
    auto* parent = self->parent();
    auto n = parent->num_workers();
    auto start = d(self).uniform(d(self).rengine);
    for (size_t k = 0; k < n; ++k) {
      auto* other = parent->worker_by_id((start + k) % n);
      if (other == self)
        continue;
      if (auto* job = d(other).queue.take_tail())
        return job;
    }
    return nullptr;
  }

  /// Sleeps until a job is queued for this worker, a sibling wakes it, or `deep_wait`
  /// passes. Returns a job found on the way, else null.
  template <class Worker>
  caf::resumable* deep_sleep(Worker* self) {
    auto& own = d(self);
    auto& shared = d(self->parent());
    {
      std::lock_guard<std::mutex> guard{own.waitdata.lock};
      own.deep = true;
    }
    shared.deep_sleepers.fetch_add(1, std::memory_order_relaxed);
    // Every thread of the process passes a full barrier (the enqueuers' side of the
    // handshake, in wake_deep_sleeper, is only a compiler barrier).
    ::syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
    // The last look, at every queue: a job queued before its owner could see this sleeper
    // counted did not wake it.
    auto* job = own.queue.take_head();
    if (job == nullptr)
      job = steal_any(self);
    bool poked = false;
    {
      std::unique_lock<std::mutex> guard{own.waitdata.lock};
      if (job == nullptr) {
        own.waitdata.sleeping = true;
        own.waitdata.cv.wait_for(guard, own.deep_wait,
                                 [&] { return !own.queue.empty() || !own.deep; });
        own.waitdata.sleeping = false;
      }
      poked = !own.deep;
      own.deep = false;
    }
    shared.deep_sleepers.fetch_sub(1, std::memory_order_relaxed);
    if (job != nullptr)
      return job;
    if (poked)
      shared.woken_for_work.fetch_add(1, std::memory_order_relaxed);
    // Whatever ended the sleep, look at every queue once: a sibling's job may be waiting.
    if ((job = own.queue.take_head()) == nullptr)
      job = steal_any(self);
    return job; // if any: work again, back to short waits (dequeue)
  }
};

} // namespace runcast::runtime::detail
