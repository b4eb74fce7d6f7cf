#pragma once

#include "actors/event_log_actor.hpp"
#include "actors/store_actor.hpp"
#include "core/event_json.hpp"
#include "core/limits.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace runcast::actors {

struct event_log_state;

/// The event log's own interface: event_log_actor plus its timers (group commit, stall
/// check, end of retention).
using event_log_impl = event_log_actor::extend<caf::reacts_to<flush_atom>,
                                               caf::reacts_to<tick_atom>,
                                               caf::reacts_to<expire_atom>>;

/// One per run (protocol: event_log_actor.hpp): assigns dense `event_index` 0,1,2,…, keeps
/// recent frames in memory (bounded by count and bytes; only persisted frames are ever
/// dropped), writes events to the store behind the run (batched, one write in flight), and
/// serves subscribers from any index — from memory, or from the store for what memory no
/// longer holds — within a credit window: `(frames_atom, frame_batch)`… then
/// `(end_atom, last_frame_or_null, abort)`. A subscriber whose window stays full for
/// `limits::stall_timeout` is ended (it may resume later from its cursor). After the run's
/// final status is persisted the log lingers for `limits::retention`, then quits.
event_log_impl::behavior_type event_log(event_log_impl::stateful_pointer<event_log_state> self,
                                        event_context ctx, limits lim, store_actor store);

} // namespace runcast::actors
