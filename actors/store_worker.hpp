#pragma once

#include "actors/store_actor.hpp"
#include "core/node_metrics.hpp"
#include "persistence/store.hpp"

#include <caf/typed_response_promise.hpp>

#include <memory>
#include <string>
#include <vector>

namespace runcast::actors {

/// The store worker's own interface: store_actor plus the group-commit message it sends
/// itself.
using store_worker_actor = store_actor::extend<caf::reacts_to<flush_atom>>;

/// State of a store worker: the writes waiting for the next group commit.
struct store_worker_state {
  struct create {
    persistence::run_record run;
    caf::typed_response_promise<bool> promise;
  };
  struct append {
    pending_batch batch; ///< holds the frames the group's rows view until it is written
    size_t count;        ///< events in the batch
    caf::typed_response_promise<int64_t> promise;
  };
  struct status {
    persistence::status_change change;
    caf::typed_response_promise<bool> promise;
  };
  std::shared_ptr<persistence::store> db;
  std::shared_ptr<node_metrics> metrics; ///< may be null (tests)
  std::vector<create> creates;
  std::vector<append> appends;
  std::vector<status> statuses;
  bool flush_queued = false;
  uint64_t failed_calls = 0; ///< database failures since the last call that succeeded

  static inline const char* name = "runcast.store";
};

/// Implements store_actor on a `persistence::store`. Spawn it `caf::detached`: every handler
/// blocks on the database, so it gets a thread of its own and never stalls a CAF worker.
///
/// Writes are committed across runs (group commit): a `create`, `append` or `status` only
/// queues its write and, if none is queued yet, a `flush` behind the messages already in the
/// mailbox; that flush writes everything that arrived meanwhile in one transaction
/// (store::write: runs created, then events, then statuses; at most `max_group_events`
/// events, the rest wait for the next), so a burst of starts or of many runs' events costs
/// one commit, not one each. If a group fails, each write is tried alone, so one run's bad
/// write fails only that run. Each event log has one write in flight, so a group normally
/// holds one batch per run (a log that timed out and retried may add its batch twice;
/// inserts are idempotent) and each run's order is kept.
store_worker_actor::behavior_type
store_worker(store_worker_actor::stateful_pointer<store_worker_state> self,
             std::shared_ptr<persistence::store> db);

/// A store worker that counts its group commits (size, time, errors) in `metrics`.
store_worker_actor::behavior_type
counted_store_worker(store_worker_actor::stateful_pointer<store_worker_state> self,
                     std::shared_ptr<persistence::store> db,
                     std::shared_ptr<node_metrics> metrics);

/// Events written in one transaction at most, across runs.
constexpr size_t max_group_events = 8192;

} // namespace runcast::actors
