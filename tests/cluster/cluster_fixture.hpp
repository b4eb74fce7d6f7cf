#pragma once

// Three runcast nodes on 127.0.0.1 sharing one fresh PostgreSQL database.

#include "tests/support/free_port.hpp"
#include "tests/support/pg_database.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace runcast::test {

/// Three nodes n1..n3 on one fresh database, each listing the two others as peers.
struct cluster_fixture {
  explicit cluster_fixture(std::vector<std::string> secrets = {"s3cret", "s3cret", "s3cret"});

  /// Waits (bounded) until node i sees `n` peers.
  void await_peers(size_t i, size_t n);

  /// Node i's HTTP port.
  uint16_t port(size_t i) const {
    return nodes[i]->port();
  }

  temp_dir dir;
  pg_database db;
  std::vector<uint16_t> ports;
  std::vector<std::unique_ptr<server_process>> nodes;
};

} // namespace runcast::test
