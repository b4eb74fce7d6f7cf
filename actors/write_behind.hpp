#pragma once

#include "actors/protocol.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace runcast::actors {

/// The event log's write-behind queue: events wait here until the store has them, written in
/// batches with one write in flight at a time, so the store receives them in index order and
/// the run's status after the events that precede it. A failed write goes back to the front
/// and is retried after a growing delay; retries are idempotent on (run_id, event_index).
///
/// Group commit without a timer: a write starts as soon as the previous one ends, with
/// everything that piled up meanwhile (at most `batch_max` events), so a quiet run writes
/// each event at once and a busy one writes big batches.
/// Plain C++, no actor: the event log (actors/event_log.hpp) drives it.
class write_behind {
public:
  using clock = std::chrono::steady_clock;

  write_behind(size_t batch_max, std::chrono::milliseconds retry_max);

  /// Queues an event (indices in order, no holes).
  void push(pending_event ev);

  /// Queues the run's status: written once every event queued before it is in. Each
  /// status is written in turn (a run's RUNNING, then its end): one that ends the run does
  /// not replace a RUNNING not yet written, so the store goes through every step.
  void set_status(run_outcome outcome);

  /// True while a write is in flight.
  bool busy() const {
    return writing_ != nullptr || status_writing_;
  }

  /// Starts the next event write: the batch to hand to the store (shared: this queue keeps
  /// it until the write's end), or null when busy or no event waits.
  pending_events begin_events();

  /// Starts the status write when no event waits: the status, or nullopt.
  std::optional<run_outcome> begin_status();

  /// The event write in flight succeeded: returns one past its last index.
  int64_t events_written();

  /// The status write in flight succeeded; true if it was a terminal one.
  bool status_written(const run_outcome& written);

  /// The write in flight failed: its data waits again, first in line. Returns how long to
  /// wait before trying again (doubling from 50 ms up to `retry_max`).
  std::chrono::milliseconds failed(clock::time_point now);

  /// Since when writes have been failing without a success in between.
  std::optional<clock::time_point> failing_since() const {
    return failing_since_;
  }

  /// Events not yet acknowledged by the store (queued and in flight).
  size_t unwritten() const {
    return queued_.size() + (writing_ ? writing_->size() : 0);
  }

  /// Nothing left to write: every event and the last status are in the store.
  bool idle() const {
    return !busy() && queued_.empty() && statuses_.empty();
  }

private:
  size_t batch_max_;
  std::chrono::milliseconds retry_max_;
  std::chrono::milliseconds retry_delay_{0};
  // The events' bytes are their frames, which the event log holds anyway (and counts).
  std::deque<pending_event> queued_;
  pending_events writing_; ///< the batch in flight, or null
  /// To write, in order, after the events queued before them: at most the run's RUNNING and
  /// its end (a newer status that does not end the run replaces an unwritten one).
  std::deque<run_outcome> statuses_;
  bool status_writing_ = false;
  std::optional<clock::time_point> failing_since_;
};

} // namespace runcast::actors
