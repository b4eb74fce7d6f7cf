#pragma once

#include "core/event_json.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

namespace runcast::actors {

struct event_log_state;

/// One per run: assigns dense `event_index` 0,1,2,…, keeps recent frames in memory (bounded
/// by count and bytes; only persisted frames are ever dropped), writes events to the store
/// behind the run (batched, one write in flight), and serves subscribers from any index —
/// from memory, or from the store for what memory no longer holds — within a credit window.
/// After the run's final status is persisted it lingers for `limits::retention`, then quits.
///
/// Protocol:
/// - from the run actor: `(publish_atom, draft_batch)`, `(status_atom, run_outcome)`
///   (a terminal status ends the run: no publish after it);
/// - from the run manager: `(watch_atom, caf::actor run)`: if the run actor dies before a
///   terminal status, the log ends the run with RunError itself;
/// - from a subscriber actor: `(subscribe_atom, int64_t from, bool meta)` →
///   `[subscription_info]`, then `(frames_atom, frame_batch)`… and finally
///   `(end_atom, frame_ptr last_frame_or_null, bool abort)`; the subscriber returns `(credit_atom,
///   uint64_t n)` for frames it has written. A subscriber whose window stays full for
///   `limits::stall_timeout` is ended (it may resume later from its cursor);
/// - anyone: `(stats_atom)` → `[log_stats]`; `(shutdown_atom)`: skip retention.
caf::behavior event_log(caf::stateful_actor<event_log_state>* self, event_context ctx,
                        limits lim, caf::actor store);

} // namespace runcast::actors
