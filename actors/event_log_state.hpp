#pragma once

#include "actors/flow_window.hpp"
#include "actors/frame_buffer.hpp"
#include "actors/log_services.hpp"
#include "core/frame_sink.hpp"
#include "actors/subscriber_actor.hpp"
#include "actors/type_ids.hpp"
#include "actors/write_behind.hpp"
#include "core/event_encoder.hpp"
#include "core/event_json.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include <map>
#include <memory>
#include <optional>
#include <variant>

namespace runcast::actors {

/// A subscriber as the event log sees it: a cursor and a credit window, and where frames go:
/// a subscriber actor (a remote client's, or one following a run across nodes) or a local
/// client's sink, called directly (actors/direct_request.hpp).
struct subscriber_entry {
  subscriber_actor handle;         ///< or:
  std::shared_ptr<frame_sink> sink; ///< a local client's
  int64_t cursor = 0;          ///< next index to send
  flow_window window{0};
  bool meta = false;           ///< send meta frames (resume) or only events (first stream)
  bool announced_live = false; ///< `subscribed` already sent
  bool loading = false;        ///< a store read for this subscriber is under way
};

/// A subscriber actor by its address; a local client by its request's id.
using subscriber_key = std::variant<caf::actor_addr, uint64_t>;

/// State of one event log actor (see event_log.hpp). The parts are plain C++ with their own
/// tests (frame_buffer, write_behind, flow_window, log_budget); the actor glues them.
struct event_log_state {
  event_context ctx;
  event_encoder encoder; ///< ctx's fields escaped once, for every event's data
  std::string scratch;   ///< where each event's frame is encoded (reused: no allocation)
  limits lim;
  log_services services;
  caf::actor run;

  frame_buffer frames{0, 0}; ///< set up with the limits when the actor starts
  write_behind writes{1, std::chrono::milliseconds{0}};
  bool retry_scheduled = false;

  // -- memory and the producer ---------------------------------------------------------------
  int64_t reported_unpersisted = 0; ///< what this log counts in the node's budget
  int64_t reported_frames = 0;      ///< what this log counts in the node's metrics
  int64_t reported_bytes = 0;       ///< ...in bytes
  bool producer_paused = false;
  bool pressure_check_scheduled = false;
  std::optional<uint64_t> retained; ///< key in the node's finished logs, once finished

  // -- run status ----------------------------------------------------------------------------
  run_status status = run_status::pending;
  bool finished = false;           ///< a terminal status was received
  bool finished_persisted = false; ///< ...and is in the store: streams may end
  bool shutting_down = false;      ///< skip retention: quit once persisted
  bool store_gave_up = false;      ///< the store outage outlasted `limits::store_outage`
  bool outlasted_outage = false;   ///< writes failing that long: bytes not counted node-wide
  bool expiring = false;           ///< retention over or evicted: quit with the last reader

  // -- subscribers ---------------------------------------------------------------------------
  std::map<subscriber_key, subscriber_entry> subscribers;
  bool tick_scheduled = false;

  /// The head subscribers may reach: only what the store holds is streamed.
  int64_t visible() const {
    return frames.persisted();
  }

  /// Brings the node's gauges of event log memory up to what `frames` holds now.
  void report_memory();

  /// Gives back what the log counts in the node's budget and metrics, however it ends.
  ~event_log_state();

  static inline const char* name = "runcast.event_log";
};

} // namespace runcast::actors
