#pragma once

#include "actors/store_actor.hpp"
#include "actors/subscriber_actor.hpp"
#include "actors/type_ids.hpp"
#include "core/event_json.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace runcast::actors {

/// A subscriber as the event log sees it: a cursor and a credit window.
struct subscriber_entry {
  subscriber_actor handle;
  int64_t cursor = 0;          ///< next index to send
  size_t in_flight = 0;        ///< frames sent and not yet credited back
  bool meta = false;           ///< send meta frames (resume) or only events (first stream)
  bool announced_live = false; ///< `subscribed` already sent
  bool loading = false;        ///< a store read for this subscriber is under way
  std::optional<std::chrono::steady_clock::time_point> blocked_since;
};

/// State of one event log actor (see event_log.hpp).
struct event_log_state {
  event_context ctx;
  limits lim;
  store_actor store;
  caf::actor run;

  // -- memory: frames [next_index - frames.size(), next_index) ---------------------------
  std::deque<frame_ptr> frames;
  size_t bytes = 0;
  int64_t next_index = 0;

  // -- persistence -------------------------------------------------------------------------
  std::deque<stored_event> pending;    ///< published, not yet handed to the store
  std::vector<stored_event> writing;   ///< handed to the store, not yet acknowledged
  bool flush_scheduled = false;
  int64_t persisted = 0;               ///< events [0, persisted) are in the store
  std::optional<run_outcome> status_to_write;
  bool status_writing = false;
  std::chrono::milliseconds retry_delay{0};

  // -- run status ----------------------------------------------------------------------------
  run_status status = run_status::pending;
  bool finished = false;           ///< a terminal status was received
  bool finished_persisted = false; ///< ...and is in the store: streams may end
  bool shutting_down = false;      ///< skip retention: quit once persisted

  // -- subscribers ---------------------------------------------------------------------------
  std::map<caf::actor_addr, subscriber_entry> subscribers;
  bool tick_scheduled = false;

  /// First index still in memory.
  int64_t first_in_memory() const {
    return next_index - static_cast<int64_t>(frames.size());
  }

  static inline const char* name = "runcast.event_log";
};

} // namespace runcast::actors
