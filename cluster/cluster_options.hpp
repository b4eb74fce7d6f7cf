#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace runcast::cluster {

/// Clustering: where this node listens for peers, whom it connects to, the shared secret.
struct cluster_options {
  uint16_t port = 0;                 ///< 0: no cluster (a single node)
  std::string host = "127.0.0.1";   ///< loopback unless told otherwise
  std::vector<std::pair<std::string, uint16_t>> peers;
  std::string secret;               ///< required with a port
  std::chrono::milliseconds heartbeat{200};          ///< CAF middleman heartbeat
  std::chrono::milliseconds connection_timeout{1000}; ///< silence that counts as a dead peer
};

} // namespace runcast::cluster
