#pragma once

#include "actors/type_ids.hpp"

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace runcast::cluster {

/// What a node publishes on its cluster port (cluster/gateway.hpp). Only CAF built-in types,
/// so nothing must be registered alike on every node; tests/cluster/wire_test.cpp
/// round-trips every message of this interface and of the wire sink/credit interfaces.
/// - `hello (peer_node_id, secret)` → `(hello, my_node_id)`: authenticates the sender's node;
/// - `subscribe (run_id, from, meta, remote_subscriber)` → the subscriber on this node that
///   streams the run to `remote_subscriber` (a wire_sink_actor; credits come back to it);
/// - `cancel (run_id)` → an actors::cancel_result as int32_t.
using gateway_actor = caf::typed_actor<
  caf::replies_to<actors::hello_atom, std::string, std::string>::with<actors::hello_atom,
                                                                       std::string>,
  caf::replies_to<actors::subscribe_atom, std::string, int64_t, bool, caf::actor>::with<caf::actor>,
  caf::replies_to<actors::cancel_atom, std::string>::with<int32_t>>;

} // namespace runcast::cluster
