#pragma once

#include "actors/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace runcast::actors {

/// What the owner node sends to a subscriber on another node (CAF built-in types only):
/// frames as plain strings, then the end (last frame or "", abort), or `missing` when the
/// owner holds no event log for the run (the store has it all).
using wire_sink_actor = caf::typed_actor<
  caf::reacts_to<frames_atom, std::vector<std::string>>,
  caf::reacts_to<end_atom, std::string, bool>,
  caf::reacts_to<missing_atom>>;

/// What a subscriber sends upstream (to an event log, or across nodes to the owner's
/// subscriber): how many frames its client has written.
using wire_credit_actor = caf::typed_actor<caf::reacts_to<credit_atom, uint64_t>>;

/// A subscription (actors/subscriber.hpp): frames from a local event log (shared, no
/// copy) or from the owner node (wire form), credits from its client, `close` when the
/// client left.
using subscriber_actor = wire_sink_actor::extend<
  caf::reacts_to<frames_atom, frame_batch>,
  caf::reacts_to<end_atom, frame_ptr, bool>,
  caf::reacts_to<credit_atom, uint64_t>,
  caf::reacts_to<close_atom>>;

} // namespace runcast::actors
