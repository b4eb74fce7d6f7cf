#pragma once

#include "actors/frame_sink.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include <memory>
#include <string>

namespace runcast::actors {

/// Where a subscriber finds a run's event log.
struct subscriber_route {
  caf::actor run_manager;  ///< this node's
  caf::actor membership;   ///< cluster view (node id → gateway); invalid without a cluster
  std::string local_node;  ///< this node's id
};

/// One per subscription. For a run this node owns it asks the run manager for the event log
/// and subscribes to it; for a run another node owns it asks that node's gateway (through
/// the membership) for a relay, which streams the owner's log over the CAF connection.
/// Either way it hands what arrives to `sink` and returns the sink's credits upstream. It
/// quits when the subscription ends, when upstream dies (the sink then gets an `error` frame:
/// log stopped, or owner node lost), or on `close_atom` from the connection.
caf::behavior subscriber(caf::event_based_actor* self, std::shared_ptr<frame_sink> sink,
                         subscriber_route route, std::string run_id, std::string owner,
                         int64_t from, bool meta, limits lim);

} // namespace runcast::actors
