#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>

namespace runcast::actors {

/// The node-wide memory bounds every event log of a node shares (thread-safe: logs run on
/// any CAF worker):
/// - bytes published and not yet in the store, across runs: over `max_unpersisted_bytes`,
///   logs pause their producers (each run has its own bound too);
/// - finished runs whose log lingers in memory for resumes: at most `max_finished` logs and
///   `max_finished_bytes` bytes; past either, the least recently used log is evicted (it
///   quits; the store serves its run from then on).
/// It also counts what /metrics reports about the logs.
class log_budget {
public:
  log_budget(size_t max_unpersisted_bytes, size_t max_finished, size_t max_finished_bytes);

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

  /// A finished log holding `bytes` asks to stay in memory; `evict` ends it (called at most
  /// once, on the thread that caused the eviction, outside any lock). Returns its key. The
  /// log added last may be the one evicted when a single log exceeds the bounds.
  uint64_t retain(size_t bytes, std::function<void()> evict);

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
    std::list<uint64_t>::iterator position;
  };

  size_t max_unpersisted_;
  size_t max_finished_;
  size_t max_finished_bytes_;
  std::atomic<int64_t> unpersisted_{0};
  std::atomic<uint64_t> pauses_{0};
  std::atomic<uint64_t> store_failures_{0};

  mutable std::mutex mutex_; // guards everything below
  std::list<uint64_t> order_; // least recently used first
  std::unordered_map<uint64_t, entry> entries_;
  size_t finished_bytes_ = 0;
  uint64_t next_key_ = 1;
  uint64_t evictions_ = 0;
};

} // namespace runcast::actors
