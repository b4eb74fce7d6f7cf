#pragma once

#include "actors/event_log_actor.hpp"
#include "actors/log_services.hpp"
#include "core/event_json.hpp"
#include "core/limits.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace runcast::actors {

struct event_log_state;

/// The event log's own interface: event_log_actor plus its timers (write retry, stall
/// check, end of retention or eviction, backpressure re-check).
using event_log_impl = event_log_actor::extend<caf::reacts_to<flush_atom>,
                                               caf::reacts_to<tick_atom>,
                                               caf::reacts_to<expire_atom>,
                                               caf::reacts_to<pause_atom>>;

/// One per run (protocol: event_log_actor.hpp): assigns dense `event_index` 0,1,2,…,
/// encodes each frame once, writes events to the store behind the run (batched, one write
/// in flight) and streams an event only once the store has it — so no index a client saw
/// can be given to another event after a crash. It keeps recent frames in memory (bounded
/// by count and bytes; only persisted frames are dropped) and serves subscribers from any
/// index — from memory, or from the store for what memory no longer holds — within a
/// credit window: `(frames_atom, frame_batch)`… then `(end_atom, last_frame_or_null,
/// abort)`. A subscriber whose window stays full for `limits::stall_timeout` is ended (it
/// may resume later from its cursor).
///
/// Backpressure: past `limits::unpersisted_bytes` for the run, or the node's bound, the run
/// actor is told `(pause_atom, true)` and produces nothing until `(pause_atom, false)`. If
/// writes keep failing for `limits::store_outage`, the run is failed ("store unavailable")
/// and its last events are written when the store returns.
///
/// After the final status is persisted the log lingers for `limits::retention` — or until
/// the node's bound on finished logs evicts it — then quits.
event_log_impl::behavior_type event_log(event_log_impl::stateful_pointer<event_log_state> self,
                                        event_context ctx, limits lim, log_services services);

} // namespace runcast::actors
