#pragma once

#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include <string>

namespace runcast::cluster {

/// The one place that decides where a run lives: this node's event log, or the gateway of
/// the node that owns it. Subscribers and cancels ask it instead of knowing the cluster.
///
/// Protocol (replies in brackets):
/// - `(lookup_atom, std::string run_id, std::string owner)` →
///   `[caf::actor upstream, bool remote, std::string lost_owner]`: the local event log
///   (`remote` false), or the owner's gateway (`remote` true, subscribe there with
///   `(subscribe_atom, run_id, from, meta)`); an invalid `upstream` when there is no log to
///   follow, with `lost_owner` naming the owner if it is not a live member;
/// - `(cancel_atom, std::string run_id, std::string owner)` → `[int32_t]` (an
///   actors::cancel_result), on the owner node.
/// `owner` empty or this node's id means "here". `membership` may be invalid (no cluster).
caf::behavior locator(caf::event_based_actor* self, caf::actor run_manager,
                      caf::actor membership, std::string node_id, limits lim);

} // namespace runcast::cluster
