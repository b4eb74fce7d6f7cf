#include "tests/cluster/cluster_fixture.hpp"

#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"

#include <catch2/catch.hpp>

#include <thread>

namespace runcast::test {

cluster_fixture::cluster_fixture(std::vector<std::string> secrets) {
  for (int i = 0; i < 3; ++i)
    ports.push_back(free_port());
  for (int i = 0; i < 3; ++i) {
    std::string peers;
    for (int j = 0; j < 3; ++j)
      if (j != i)
        peers += (peers.empty() ? "" : ",") + std::string{"127.0.0.1:"} + std::to_string(ports[j]);
    server_options o;
    o.db = db.url();
    o.log_dir = dir.path();
    o.name = "n" + std::to_string(i + 1);
    o.extra_args = {"--node-id", o.name, "--cluster-port", std::to_string(ports[i]),
                    "--peers", peers, "--cluster-secret", secrets[i]};
    nodes.push_back(std::make_unique<server_process>(o));
  }
}

void cluster_fixture::await_peers(size_t i, size_t n) {
  if (!eventually([&] { return request(port(i), "GET", "/health").json()["peers"].size() == n; }))
    FAIL("node " << i + 1 << " never saw " << n << " peers:\n" << nodes[i]->log());
}

} // namespace runcast::test
