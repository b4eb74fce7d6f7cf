#pragma once

#include "actors/type_ids.hpp"

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>

namespace runcast::actors {

/// A run's event log (actors/event_log.hpp):
/// - from the run actor: `publish` events in order, `status` (a terminal one ends the run);
/// - from the run manager: `watch` the run actor (its death before a final status ends
///   the run ERROR);
/// - from a subscriber_actor: `subscribe` from an index (`meta`: the resume meta frames);
///   frames then go to the sender within its credit window, which `credit` reopens;
/// - from a local client (runtime/direct_subscription.hpp): `subscribe` with a
///   direct_request — the log calls its sink itself — then `credit` and `close` by the
///   request's id;
/// - anyone: `stats`; `shutdown` skips the retention.
using event_log_actor = caf::typed_actor<
  caf::reacts_to<publish_atom, draft_batch>,
  caf::reacts_to<status_atom, run_outcome>,
  caf::reacts_to<watch_atom, caf::actor>,
  caf::replies_to<subscribe_atom, int64_t, bool>::with<subscription_info>,
  caf::reacts_to<credit_atom, uint64_t>,
  caf::reacts_to<subscribe_atom, direct_request_ptr>,
  caf::reacts_to<credit_atom, uint64_t, uint64_t>,
  caf::reacts_to<close_atom, uint64_t>,
  caf::replies_to<stats_atom>::with<log_stats>,
  caf::reacts_to<shutdown_atom>>;

} // namespace runcast::actors
