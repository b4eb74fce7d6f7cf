#include "tests/support/free_port.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <mutex>
#include <random>
#include <set>

namespace runcast::test {

uint16_t free_port() {
  static std::mutex mutex;
  static std::mt19937 pick{std::random_device{}()};
  static std::set<uint16_t> given; // a node not started yet has not bound its port
  std::lock_guard<std::mutex> lock{mutex};
  // ip_local_port_range starts at 32768 by default.
  std::uniform_int_distribution<int> below_ephemeral{20000, 32000};
  boost::asio::io_context ioc;
  for (;;) {
    auto port = static_cast<uint16_t>(below_ephemeral(pick));
    if (given.count(port) > 0)
      continue;
    boost::asio::ip::tcp::acceptor a{ioc};
    boost::system::error_code ec;
    a.open(boost::asio::ip::tcp::v4(), ec);
    a.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) {
      given.insert(port);
      return port;
    }
  }
}

} // namespace runcast::test
