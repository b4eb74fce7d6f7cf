#pragma once

#include "actors/event_log_actor.hpp"
#include "actors/subscriber_actor.hpp"
#include "actors/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace runcast::actors {

/// Where a run lives (implemented in cluster/locator.hpp; subscribers and the runtime ask
/// it instead of knowing the cluster). `owner` empty or this node's id means "here".
/// - `subscribe (run_id, owner, from, meta, subscriber)` → `(log, far, lost_owner)`:
///   the run's event log here (subscribe to it yourself), or — for another node's run —
///   `far`, the owner node's subscriber already streaming to `subscriber` (send it your
///   credits); neither when there is nothing to follow, with `lost_owner` naming an owner
///   that is not a live member;
/// - `cancel (run_id, owner)` → an actors::cancel_result as int32_t, on the owner node.
using locator_actor = caf::typed_actor<
  caf::replies_to<subscribe_atom, std::string, std::string, int64_t, bool,
                  subscriber_actor>::with<event_log_actor, wire_credit_actor, std::string>,
  caf::replies_to<cancel_atom, std::string, std::string>::with<int32_t>>;

} // namespace runcast::actors
