#pragma once

/// @file
/// What a runcast runtime is built with, and the one call an embedding program makes on its
/// own `caf::actor_system_config`.

#include "core/limits.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace caf {
class actor_system_config;
} // namespace caf

namespace runcast {

/// Options of a runtime: its store, its node identity, its limits and its cluster.
struct options {
  /// The store: `sqlite:path/to/file.db` (created if missing) or
  /// `postgresql://user@host:port/db[?pool_size=N]`. Every node of a cluster uses the same.
  std::string store = "sqlite:runcast.db";

  /// This node's name, recorded as the owner of every run it starts; unique in a cluster.
  std::string node_id = "n1";

  /// Every bound: memory per run and per node, flow control, timeouts (`runcast --help`
  /// lists them with their defaults).
  limits lim = {};

  /// CAF scheduler workers of a system the runtime owns; 0 = one per core (at least 2).
  /// Ignored when the runtime runs in the caller's actor system.
  std::size_t worker_threads = 0;

  /// The cluster port (0: a single node, no cluster).
  uint16_t cluster_port = 0;

  /// The address the cluster port binds (loopback unless told otherwise).
  std::string cluster_host = "127.0.0.1";

  /// The other nodes' cluster endpoints, as host and port.
  std::vector<std::pair<std::string, uint16_t>> peers = {};

  /// The secret every node of the cluster shares; required with a cluster port.
  std::string cluster_secret = {};

  /// Mark this node's runs that a crash left unfinished ERROR when the runtime starts.
  bool recover = true;
};

/// Prepares an embedding program's actor system config for runcast: loads CAF's middleman
/// and sets its heartbeats when `opts` has a cluster port (without them a hung peer goes
/// unnoticed), sizes the scheduler when `opts.worker_threads` is set, and loads CAF's
/// work-stealing scheduler with a clock whose thread is not woken by every actor that ends
/// (a scheduler module the program loads after this call takes its place). runcast's own
/// messages need no registration (they never leave the process; what crosses nodes uses
/// CAF's built-in types). Call it before constructing the `caf::actor_system`.
void configure(caf::actor_system_config& cfg, const options& opts);

} // namespace runcast
