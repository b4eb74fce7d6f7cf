#include "persistence/pg_watchdog.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using runcast::persistence::detail::pg_watchdog;
using namespace std::chrono_literals;

namespace {

/// Both ends of a connected socket pair, closed on destruction.
struct socket_pair {
  socket_pair() {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0);
  }
  ~socket_pair() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  int fd[2];
};

} // namespace

TEST_CASE("a call past its deadline has its blocked read ended", "[persistence]") {
  pg_watchdog dog;
  socket_pair s;
  auto armed = dog.arm(s.fd[0], 100ms);
  // Blocks as libpq does on a server that never answers; the watchdog's shutdown ends it.
  char byte = 0;
  CHECK(::read(s.fd[0], &byte, 1) == 0);
  CHECK(armed.fired());
}

TEST_CASE("a call that ends in time is left alone", "[persistence]") {
  pg_watchdog dog;
  socket_pair s;
  {
    auto armed = dog.arm(s.fd[0], 50ms);
    CHECK_FALSE(armed.fired());
  }
  // Disarmed: long after the deadline the socket still works both ways.
  std::this_thread::sleep_for(150ms);
  char byte = 'x';
  REQUIRE(::write(s.fd[1], &byte, 1) == 1);
  byte = 0;
  CHECK(::read(s.fd[0], &byte, 1) == 1);
  CHECK(byte == 'x');
}
