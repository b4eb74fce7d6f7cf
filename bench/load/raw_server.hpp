#pragma once

#include <cstddef>
#include <cstdint>
#include <thread>

namespace bench {

/// The loopback ceiling's server: accepts one connection and writes an SSE response of
/// `frames` pre-built frames of `bytes` bytes in 256 KiB writes — no encoding, no framing
/// per frame: what the kernel and the reading client can do at most.
class raw_server {
public:
  raw_server(int64_t frames, size_t bytes);
  ~raw_server();
  raw_server(const raw_server&) = delete;
  raw_server& operator=(const raw_server&) = delete;

  uint16_t port() const {
    return port_;
  }

private:
  void serve();

  int64_t frames_;
  size_t bytes_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

} // namespace bench
