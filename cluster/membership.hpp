#pragma once

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

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

/// Connects to every configured peer without blocking (the middleman actor's connect, with
/// a timeout), authenticates with the cluster secret, and keeps the live view: runcast node
/// id → that node's gateway. A peer that dies or hangs (heartbeats) is dropped on its down
/// message and reconnected with backoff.
///
/// Protocol: `(lookup_atom, std::string node_id)` → `[caf::actor gateway]` (invalid when the
/// node is not a live member); `(peers_atom)` → `[std::vector<std::string>]` live node ids.
caf::behavior membership(caf::stateful_actor<membership_state>* self, std::string node_id,
                         std::string secret, std::vector<peer_address> peers);

/// State of the membership actor.
struct membership_state {
  struct peer {
    peer_address address;
    std::string node_id;  ///< once known
    caf::actor gateway;   ///< while connected and authenticated
    std::chrono::milliseconds backoff{0};
  };

  std::string node_id;
  std::string secret;
  std::vector<peer> peers;
  static inline const char* name = "runcast.membership";
};

} // namespace runcast::cluster
