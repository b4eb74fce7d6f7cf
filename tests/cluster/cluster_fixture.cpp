#include "tests/cluster/cluster_fixture.hpp"

#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <random>
#include <thread>

namespace runcast::test {

uint16_t free_port() {
  // Below the kernel's ephemeral range (ip_local_port_range, 32768 up by default): a port
  // taken from that range and released is soon handed to another test's outgoing
  // connection or port-0 server, and the node that was to bind it could not start.
  static std::mt19937 pick{std::random_device{}()};
  std::uniform_int_distribution<int> below_ephemeral{20000, 32000};
  boost::asio::io_context ioc;
  for (;;) {
    auto port = static_cast<uint16_t>(below_ephemeral(pick));
    boost::asio::ip::tcp::acceptor a{ioc};
    boost::system::error_code ec;
    a.open(boost::asio::ip::tcp::v4(), ec);
    a.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec)
      return port;
  }
}

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
