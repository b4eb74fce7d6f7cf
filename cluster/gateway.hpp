#pragma once

#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>
#include <caf/node_id.hpp>

#include <set>
#include <string>

namespace runcast::cluster {

struct gateway_state;

/// What a node publishes on its cluster port: the one actor peers talk to. A peer must first
/// prove it knows the cluster secret; until then its requests are refused.
///
/// Cross-node protocol (only CAF built-in types, so nothing needs registering alike on every
/// node):
/// - `(hello_atom, std::string peer_node_id, std::string secret)` → `[hello_atom, my_node_id]`
///   or an error: authenticates the sender's CAF node;
/// - `(subscribe_atom, std::string run_id, int64_t from, bool meta)` → `[caf::actor]`:
///   a subscriber on this node streams the run's event log to the sender (relay_sink.hpp);
///   the sender's credits go to that actor;
/// - `(cancel_atom, std::string run_id)` → `[int32_t]` (an actors::cancel_result).
caf::behavior gateway(caf::stateful_actor<gateway_state>* self, caf::actor locator,
                      std::string node_id, std::string secret, limits lim);

/// State of the gateway.
struct gateway_state {
  caf::actor locator; ///< this node's (cluster/locator.hpp)
  std::string node_id;
  std::string secret;
  limits lim;
  std::set<caf::node_id> authenticated; ///< CAF nodes that presented the secret
  static inline const char* name = "runcast.gateway";
};

} // namespace runcast::cluster
