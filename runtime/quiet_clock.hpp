#pragma once

#include <caf/detail/thread_safe_actor_clock.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

namespace runcast::runtime {

/// CAF 0.17's clock, minus one wake-up of its thread per actor that ends.
///
/// Every ending actor cancels its timeouts (`local_actor::cleanup` calls `cancel_timeouts`),
/// and the stock clock queues that for its thread and wakes it — whether or not the actor
/// ever had a timeout. A run's actors have none (their requests wait without one), so under
/// a burst of starts the clock thread woke once per start (41,181 wake-ups for ~41,500 starts,
/// bench/RESULTS.md). This clock remembers which actors set a timeout and passes only their
/// cancellations on; everything else is the stock clock, on its own thread
/// (runtime/quiet_scheduler.hpp runs it).
class quiet_clock : public caf::detail::thread_safe_actor_clock {
public:
  using super = caf::detail::thread_safe_actor_clock;

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            uint64_t id) override;

  void set_request_timeout(time_point t, caf::abstract_actor* self,
                           caf::message_id id) override;

  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         uint64_t id) override;

  /// Queued for the clock's thread only if `self` ever set a timeout.
  void cancel_timeouts(caf::abstract_actor* self) override;

  /// Actors that have set a timeout and not yet ended (for tests).
  size_t actors_with_timeouts() const;

  /// Cancellations passed on to the clock's thread so far (for tests).
  size_t cancellations_passed() const;

  /// Waits until at least `n` cancellations were passed on, or `within` elapsed; true if
  /// they were (for tests). CAF tells an actor's monitors and waiters that it ended before
  /// it cancels the actor's timeouts (`local_actor::cleanup`), so a test that has seen an
  /// actor end must still wait for its cancellation.
  bool await_cancellations_passed(size_t n, std::chrono::milliseconds within) const;

private:
  void remember(caf::abstract_actor* self);

  mutable std::mutex mutex_;
  /// Actors that set a timeout since they started. An actor leaves it when it ends (its
  /// `cancel_timeouts`), before its memory can be reused by another actor.
  std::unordered_set<caf::abstract_actor*> timed_;
  size_t passed_ = 0;
  mutable std::condition_variable passed_changed_;
};

} // namespace runcast::runtime
