#pragma once

#include "core/run_status.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace runcast {

/// A Prometheus histogram with fixed upper bounds: lock-free observations from any thread.
class metric_histogram {
public:
  static constexpr size_t max_buckets = 16;

  /// `bounds`: increasing upper bounds, at most max_buckets (the +Inf bucket is implied).
  explicit metric_histogram(std::initializer_list<double> bounds);

  /// Counts `value` in its bucket and the sum.
  void observe(double value);

  /// Appends the histogram's lines (`_bucket{le=…}`, `_sum`, `_count`) for `name`.
  void render(std::string& out, std::string_view name, std::string_view help) const;

private:
  std::array<double, max_buckets> bounds_{};
  size_t size_ = 0;
  std::array<std::atomic<uint64_t>, max_buckets + 1> counts_{};
  std::atomic<uint64_t> sum_micros_{0}; ///< the sum in millionths, kept integral for atomics
};

/// What a node counts for `GET /metrics`: counters and gauges updated where things happen
/// (run manager, event logs, the store writer, SSE streams, the cluster gateway), read
/// without locks. One per runtime::engine, shared by everything of that node.
class node_metrics {
public:
  /// Why a start was refused: a bad request (4xx), the store or a shutdown (503), a bound
  /// on runs or streams (429, 503), a drained node (503).
  enum class refusal { invalid, unavailable, overloaded, draining, count_ };
  /// How a resume began: it joined a live run, replayed a finished one, was served from the
  /// store, met a gap, or ended in an error frame.
  enum class resume { catch_up, replay, store, gap, error, count_ };
  /// `local`: any subscriber of an event log of this node (counted by the logs, or by the
  /// client reading a finished log's frames itself: runtime/snapshot_subscription); `remote`:
  /// a relay to another node's client (counted by relay sinks; each is also a log's
  /// subscriber, so /metrics shows local = all − remote).
  enum class subscriber_kind { local, remote, count_ };

  node_metrics();

  // -- runs ----------------------------------------------------------------------------------
  void run_started(std::string_view kind);
  void run_finished(std::string_view kind, run_status status);
  void start_refused(refusal why);

  // -- events and the store ------------------------------------------------------------------
  std::atomic<uint64_t> events_emitted{0};   ///< events published by runs
  std::atomic<uint64_t> events_persisted{0}; ///< events the store acknowledged
  std::atomic<uint64_t> store_errors{0};     ///< failed store writes
  std::atomic<uint64_t> store_retries{0};    ///< writes tried again after a failure
  metric_histogram store_batch_events{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000};
  metric_histogram store_write_seconds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25, 0.5, 1, 2.5, 10};
  std::atomic<int64_t> log_frames{0}; ///< frames held in memory by event logs
  std::atomic<int64_t> log_bytes{0};  ///< their bytes

  // -- subscribers and clients ----------------------------------------------------------------
  void subscriber_added(subscriber_kind k);
  void subscriber_removed(subscriber_kind k);
  int64_t subscribers(subscriber_kind k) const {
    return subscribers_[static_cast<size_t>(k)].load(std::memory_order_relaxed);
  }
  void resumed(resume how);
  std::atomic<uint64_t> subscribers_cut{0}; ///< cut for stalling (window full too long)
  std::atomic<uint64_t> sent_frames{0};     ///< SSE events written to clients
  std::atomic<uint64_t> sent_bytes{0};      ///< SSE bytes written to clients

  /// Appends every metric above in the Prometheus text format 0.0.4.
  void render(std::string& out) const;

private:
  static constexpr size_t kinds = 3; // agents, teams, workflows
  static constexpr size_t statuses = 3; // completed, error, cancelled
  std::array<std::atomic<uint64_t>, kinds> started_{};
  std::array<std::atomic<uint64_t>, kinds * statuses> finished_{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(refusal::count_)> refused_{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(resume::count_)> resumes_{};
  std::array<std::atomic<int64_t>, static_cast<size_t>(subscriber_kind::count_)> subscribers_{};
};

} // namespace runcast
