#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace runcast::actors {

/// The node-wide memory bounds every event log of a node shares (thread-safe: logs run on
/// any CAF worker):
/// - bytes published and not yet in the store, across runs: over `max_unpersisted_bytes`,
///   logs pause their producers (each run has its own bound too);
/// - finished runs whose log lingers in memory for resumes: at most `max_finished` logs and
///   `max_finished_bytes` bytes; past either, the least recently used log is evicted (it
///   quits; the store serves its run from then on). A log also goes once it has been
///   retained for `retention` (`expire`, which the run manager calls on a tick): the
///   retention is kept here, not by a timer per log, because a CAF timer holds its actor
///   until it fires — an evicted log would stay allocated for the whole retention.
/// It also counts what /metrics reports about the logs.
class log_budget {
public:
  using clock_type = std::chrono::steady_clock;

  log_budget(size_t max_unpersisted_bytes, size_t max_finished, size_t max_finished_bytes,
             std::chrono::milliseconds retention = std::chrono::milliseconds::max());

  log_budget(const log_budget&) = delete;
  log_budget& operator=(const log_budget&) = delete;

  // -- unpersisted bytes ---------------------------------------------------------------------

  /// A log's unpersisted bytes changed by `delta`.
  void add_unpersisted(int64_t delta) {
    unpersisted_.fetch_add(delta, std::memory_order_relaxed);
  }

  /// True when the node holds more unpersisted bytes than it may.
  bool unpersisted_over() const {
    return unpersisted_.load(std::memory_order_relaxed) > static_cast<int64_t>(max_unpersisted_);
  }

  /// True when the node is back under half its bound (producers paused for it may go on).
  bool unpersisted_relieved() const {
    return unpersisted_.load(std::memory_order_relaxed)
           <= static_cast<int64_t>(max_unpersisted_ / 2);
  }

  /// A producer was paused (counted for /metrics).
  void count_pause() {
    pauses_.fetch_add(1, std::memory_order_relaxed);
  }

  /// A run failed because its events could not be stored in time.
  void count_store_failure() {
    store_failures_.fetch_add(1, std::memory_order_relaxed);
  }

  // -- finished logs -------------------------------------------------------------------------

  /// A finished log holding `bytes` asks to stay in memory from `now` on; `evict` ends it
  /// (called at most once, on the thread that caused the eviction or expiry, outside any
  /// lock). Returns its key. The log added last may be the one evicted when a single log
  /// exceeds the bounds (or at once, with a retention of zero). Logs whose retention is
  /// over by `now` go too.
  uint64_t retain(size_t bytes, std::function<void()> evict, clock_type::time_point now);

  /// Ends every log retained for `retention` or longer by `now`; how many.
  size_t expire(clock_type::time_point now);

  /// The log was used (a subscription): it moves to the back of the eviction line.
  void touch(uint64_t key);

  /// The log quits by itself (retention over, shutdown): forget it.
  void release(uint64_t key);

  // -- figures -------------------------------------------------------------------------------

  struct figures {
    int64_t unpersisted_bytes = 0;
    size_t finished_logs = 0;
    size_t finished_bytes = 0;
    uint64_t evictions = 0;
    uint64_t pauses = 0;
    uint64_t store_failures = 0;
  };

  figures read() const;

private:
  struct entry {
    size_t bytes;
    std::function<void()> evict;
    std::list<uint64_t>::iterator position; ///< in order_
    std::list<uint64_t>::iterator age;      ///< in by_age_
    clock_type::time_point since;
  };

  /// `retention` in the clock's unit, no expiry (max) staying max.
  static clock_type::duration saturated(std::chrono::milliseconds retention);

  /// Forgets the entry; its `evict` goes to `victims` (called once the lock is released).
  void remove(std::unordered_map<uint64_t, entry>::iterator i,
              std::vector<std::function<void()>>& victims);

  /// Takes the entry out of both lines and its bytes out of the count; mutex_ held.
  void forget(std::unordered_map<uint64_t, entry>::iterator i);

  /// Removes the entries whose retention is over by `now`; mutex_ held.
  void remove_expired(clock_type::time_point now, std::vector<std::function<void()>>& victims);

  size_t max_unpersisted_;
  size_t max_finished_;
  size_t max_finished_bytes_;
  clock_type::duration retention_;
  std::atomic<int64_t> unpersisted_{0};
  std::atomic<uint64_t> pauses_{0};
  std::atomic<uint64_t> store_failures_{0};

  mutable std::mutex mutex_; // guards everything below
  std::list<uint64_t> order_;  // least recently used first
  std::list<uint64_t> by_age_; // retained first first (retention is the same for all)
  std::unordered_map<uint64_t, entry> entries_;
  size_t finished_bytes_ = 0;
  uint64_t next_key_ = 1;
  uint64_t evictions_ = 0;
};

} // namespace runcast::actors
