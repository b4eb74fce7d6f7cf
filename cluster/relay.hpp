#pragma once

#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include <string>

namespace runcast::cluster {

/// Runs on the owner node for one remote subscriber: subscribes to the run's event log like
/// a local subscriber would, and forwards what the log sends in wire form (plain strings)
/// to the remote subscriber; the subscriber's credits come back through it. It ends with the
/// subscription, when the remote subscriber goes away, or when the log does.
///
/// To the remote subscriber: `(frames_atom, std::vector<std::string>)`…, then
/// `(end_atom, std::string last_frame, bool abort)`, or `(missing_atom)` when the run has
/// no event log here (the subscriber then replays from the shared store).
caf::behavior relay(caf::event_based_actor* self, caf::actor run_manager, caf::actor subscriber,
                    std::string run_id, int64_t from, bool meta, limits lim);

} // namespace runcast::cluster
