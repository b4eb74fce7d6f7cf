#pragma once

#include <cstdint>
#include <string>

namespace bench {

/// A blocking TCP connection with TCP_NODELAY; -1 on failure.
int connect_blocking(const std::string& host, uint16_t port);
/// Starts a non-blocking connect; -1 on failure.
int connect_nonblocking(const std::string& host, uint16_t port);
/// Writes all of `data` to a blocking socket.
bool write_all(int fd, const std::string& data);
/// A listening socket on 127.0.0.1 with a free port, which `port` receives.
int listen_loopback(uint16_t& port);

} // namespace bench
