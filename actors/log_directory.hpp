#pragma once

#include "actors/event_log_actor.hpp"
#include "actors/frame_buffer.hpp"
#include "core/run_record.hpp"

#include <caf/actor_addr.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace runcast::actors {

/// A run whose event log this node holds, as the directory knows it.
struct listed_run {
  event_log_actor log;
  run_record identity; ///< identity_of() the run's record; `status` pending until it ends
  int64_t stored = 0;  ///< once finished: events in the store (the next index)
  /// Once finished, while the log keeps them: its frames, which a local client reads
  /// itself (runtime/snapshot_subscription.hpp), and the log's key in the node's budget.
  std::shared_ptr<const frozen_frames> frames;
  std::optional<uint64_t> retained;
};

/// The event logs a node holds in memory, by run id, for threads outside the actor system:
/// a local client subscribes to its run's log in one message, with no actor of its own and
/// no lookup round trip, and a resume of a run held here needs no store read to learn who
/// the run is or whether it is over. The run manager lists each log as it spawns it, before
/// the run can be known to any client; the log reports its end (`finished`) once its final
/// status is stored, and leaves as it terminates (list_until_exit).
class log_directory {
public:
  void add(run_record identity, const event_log_actor& log);

  /// The run's final status and event count are stored; `frames` (may be null) are what
  /// its log keeps of them, under `retained` in the node's budget.
  void finished(const std::string& run_id, run_status status, int64_t stored,
                std::shared_ptr<const frozen_frames> frames = nullptr,
                std::optional<uint64_t> retained = std::nullopt);

  /// The run's log let go of its frames (retention over, or evicted): the store serves them.
  void let_go(const std::string& run_id);

  /// Removes the session's runs (it was deleted; their logs end with their retention).
  void forget_session(const std::string& session_id);

  /// Removes the entry of `run_id` if it is `log` (a later log of the same id stays).
  void remove(const std::string& run_id, const caf::actor_addr& log);

  /// The run's log, or an invalid handle.
  event_log_actor find(const std::string& run_id) const;

  /// The run's entry (a copy), if its log is held here.
  std::optional<listed_run> lookup(const std::string& run_id) const;

  size_t size() const;

private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, listed_run> runs_;
};

/// Lists `log` under its run in `dir` until the log terminates, however it ends (at once,
/// if it has already).
void list_until_exit(const std::shared_ptr<log_directory>& dir, run_record identity,
                     const event_log_actor& log);

} // namespace runcast::actors
