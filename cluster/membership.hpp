#pragma once

#include "cluster/membership_actor.hpp"
#include "core/limits.hpp"

#include <caf/replies_to.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace runcast::cluster {

/// A peer as given on the command line.
struct peer_address {
  std::string host;
  uint16_t port = 0;
};

struct membership_state;

/// The membership's own interface: membership_actor plus its reconnect timer.
using membership_impl =
  membership_actor::extend<caf::reacts_to<actors::connect_to_atom, uint64_t>>;

/// Connects to every configured peer without blocking (the middleman actor's connect, with
/// a timeout), authenticates with the cluster secret, and keeps the live view (protocol:
/// membership_actor.hpp). A peer that dies or hangs (heartbeats) is dropped on its down
/// message and reconnected with backoff.
membership_impl::behavior_type membership(membership_impl::stateful_pointer<membership_state> self,
                                          std::string node_id, std::string secret,
                                          std::vector<peer_address> peers, limits lim);

/// State of the membership actor.
struct membership_state {
  struct peer {
    peer_address address;
    std::string node_id;  ///< once known
    gateway_actor gateway; ///< while connected and authenticated
    std::chrono::milliseconds backoff{0};
  };

  std::string node_id;
  std::string secret;
  std::vector<peer> peers;
  limits lim;
  static inline const char* name = "runcast.membership";
};

} // namespace runcast::cluster
