#pragma once

// Raw client sockets on 127.0.0.1 for tests that must misbehave below HTTP: trickle bytes,
// hold connections idle, stop reading.

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace runcast::test {

/// A connected TCP socket to 127.0.0.1:port; closed on destruction.
class raw_socket {
public:
  explicit raw_socket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0)
      throw std::runtime_error("socket: " + std::to_string(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      auto e = errno;
      ::close(fd_);
      throw std::runtime_error("connect: errno " + std::to_string(e));
    }
  }
  ~raw_socket() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;
  raw_socket(raw_socket&& o) noexcept : fd_(o.fd_) {
    o.fd_ = -1;
  }

  /// Sends what it can without blocking; false if the connection is gone.
  bool send_some(std::string_view bytes) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    return n >= 0 || errno == EAGAIN;
  }

  /// True once the server has closed the connection (EOF or reset); does not block.
  /// Bytes the server sent before are read and dropped.
  bool closed_by_peer() {
    char buf[4096];
    for (;;) {
      auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0)
        return true;
      if (n < 0)
        return errno != EAGAIN && errno != EWOULDBLOCK;
    }
  }

  int fd() const {
    return fd_;
  }

private:
  int fd_;
};

/// Raises this process's open-file limit to its hard limit (children inherit it); returns
/// the new soft limit.
inline rlim_t raise_fd_limit() {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  ::getrlimit(RLIMIT_NOFILE, &lim);
  return lim.rlim_cur;
}

} // namespace runcast::test
