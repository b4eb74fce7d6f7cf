#pragma once

#include "actors/type_ids.hpp"
#include "cluster/gateway_actor.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

namespace runcast::cluster {

/// The live view of the cluster (cluster/membership.hpp): `lookup` a node id → its gateway
/// (invalid when it is not a live member); `peers` → the live members' ids.
using membership_actor = caf::typed_actor<
  caf::replies_to<actors::lookup_atom, std::string>::with<gateway_actor>,
  caf::replies_to<actors::peers_atom>::with<std::vector<std::string>>>;

} // namespace runcast::cluster
