#pragma once

#include "core/frame_sink.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

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

/// One per subscription. It asks the locator (cluster/locator.hpp) where the run's events
/// are — this node's event log, or the owner node's gateway, which spawns a subscriber there
/// that streams back in wire form — subscribes from `spec.from`, hands what arrives to
/// `sink` and returns the sink's credits upstream. It quits when the subscription ends, when
/// upstream dies (the sink then gets an `error` frame: log stopped, or owner node lost), on
/// `close_atom`, or when `spec.watched` goes down.
///
/// Receives: `(frames_atom, frame_batch)` or `(frames_atom, std::vector<std::string>)`,
/// `(end_atom, frame_ptr|std::string last, bool abort)`, `(missing_atom)`,
/// `(credit_atom, uint64_t)`, `(close_atom)`.
caf::behavior subscriber(caf::event_based_actor* self, std::shared_ptr<frame_sink> sink,
                         caf::actor locator, subscription_spec spec, limits lim);

} // namespace runcast::actors
