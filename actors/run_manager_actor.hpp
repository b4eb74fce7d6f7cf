#pragma once

#include "actors/event_log_actor.hpp"
#include "actors/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace runcast::actors {

/// A node's run manager (actors/run_manager.hpp):
/// - `start`: persists the run (PENDING) and starts it; a store failure answers the error
///   and starts nothing. Sent a `start_request` instead, it answers that (how runtime::engine
///   starts runs: no actor and no timer per start);
/// - `lookup`: the run's event log, or an invalid handle when this node holds none;
/// - `cancel`: a live run ends CANCELLED;
/// - `stats`: event logs held, runs live;
/// - `drain`: no new runs from now on (starts answer `draining`); live runs go on;
/// - `shutdown` with a grace in ms: drains, lets live runs finish for the grace, then every
///   run still live ends ERROR ("interrupted"); answers once every event log has persisted
///   and quit. `expire` (sent to itself) ends the grace;
/// - `tick` (sent to itself while it holds logs): ends the retention of finished logs that
///   have been kept `limits::retention` (log_budget::expire).
/// Starts past `max_live_runs` or `max_starting_runs` answer `overloaded`.
using run_manager_actor = caf::typed_actor<
  caf::replies_to<start_atom, run_spec>::with<bool>,
  caf::reacts_to<start_atom, start_request_ptr>,
  caf::replies_to<drain_atom>::with<bool>,
  caf::reacts_to<expire_atom>,
  caf::reacts_to<tick_atom>,
  caf::replies_to<lookup_atom, std::string>::with<event_log_actor>,
  caf::replies_to<cancel_atom, std::string>::with<cancel_result>,
  caf::replies_to<stats_atom>::with<int64_t, int64_t>,
  caf::replies_to<shutdown_atom, int64_t>::with<bool>>;

} // namespace runcast::actors
