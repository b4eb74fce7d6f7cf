#pragma once

#include "actors/locator_actor.hpp"
#include "cluster/gateway_actor.hpp"
#include "core/limits.hpp"
#include "core/node_metrics.hpp"

#include <caf/node_id.hpp>

#include <memory>
#include <set>
#include <string>

namespace runcast::cluster {

struct gateway_state;

/// What a node publishes on its cluster port (protocol: gateway_actor.hpp): the one actor
/// peers talk to. A peer must first prove it knows the cluster secret; until then its
/// requests are refused. A subscribe spawns an ordinary subscriber here whose relay_sink
/// forwards to the remote one.
gateway_actor::behavior_type gateway(gateway_actor::stateful_pointer<gateway_state> self,
                                     actors::locator_actor locator, std::string node_id,
                                     std::string secret, limits lim,
                                     std::shared_ptr<node_metrics> metrics);

/// State of the gateway.
struct gateway_state {
  actors::locator_actor locator; ///< this node's (cluster/locator.hpp)
  std::string node_id;
  std::string secret;
  limits lim;
  std::shared_ptr<node_metrics> metrics; ///< counts the relays to remote clients
  std::set<caf::node_id> authenticated; ///< CAF nodes that presented the secret
  static inline const char* name = "runcast.gateway";
};

} // namespace runcast::cluster
