#pragma once

#include "actors/locator_actor.hpp"
#include "actors/subscriber_actor.hpp"
#include "core/frame_sink.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>

#include <memory>
#include <string>

namespace runcast::actors {

/// What a subscriber follows and for whom.
struct subscription_spec {
  std::string run_id;
  std::string owner;  ///< node that owns the run (empty: this one)
  int64_t from = 0;   ///< first index to deliver
  bool meta = false;  ///< add the resume meta frames
  caf::actor watched; ///< optional: quit silently when it goes down (a remote client)
};

/// What a subscriber holds while it lives (thousands may be idle at once, so each handler
/// captures only the actor, and the run id is held once).
struct subscriber_state {
  std::shared_ptr<frame_sink> sink;
  std::string run_id;
  caf::actor_addr watched;    ///< spec.watched
  wire_credit_actor upstream; ///< the event log (local) or the owner's subscriber (remote)
  uint64_t early_credits = 0; ///< credits that arrived before the upstream was known
  std::string remote_owner;   ///< set when upstream is on another node
  bool got_frames = false;    ///< frames reached the sink (the client has a cursor now)
  bool log_answered = false;  ///< the local event log answered the subscription

  static inline const char* name = "subscriber";
};

/// One per subscription that crosses nodes (protocol: subscriber_actor.hpp; a local client
/// is served by the event log directly, actors/direct_request.hpp): on the client's node
/// and on the owner's, where the gateway spawns one for it. It asks the locator where the
/// run's events are — this node's event log (it subscribes there), or the owner node, where
/// a subscriber like itself streams back in wire form — hands what arrives to `sink` and
/// returns the sink's credits upstream. It quits when the subscription ends, when upstream
/// dies (the sink then gets an `error` frame: log stopped, or owner node lost), on
/// `close_atom`, or when `spec.watched` goes down.
using subscriber_pointer = subscriber_actor::stateful_pointer<subscriber_state>;

subscriber_actor::behavior_type subscriber(subscriber_pointer self,
                                           std::shared_ptr<frame_sink> sink,
                                           locator_actor locator, subscription_spec spec,
                                           limits lim);

} // namespace runcast::actors
