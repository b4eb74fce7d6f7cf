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

/// One per subscription (protocol: subscriber_actor.hpp). It asks the locator where the
/// run's events are — this node's event log (it subscribes there), or the owner node, where
/// a subscriber like itself streams back in wire form — hands what arrives to `sink` and
/// returns the sink's credits upstream. It quits when the subscription ends, when upstream
/// dies (the sink then gets an `error` frame: log stopped, or owner node lost), on
/// `close_atom`, or when `spec.watched` goes down.
subscriber_actor::behavior_type subscriber(subscriber_actor::pointer self,
                                           std::shared_ptr<frame_sink> sink,
                                           locator_actor locator, subscription_spec spec,
                                           limits lim);

} // namespace runcast::actors
