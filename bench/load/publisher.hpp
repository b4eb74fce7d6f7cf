#pragma once

#include "bench/load/load_options.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace bench {

/// Publishes stamped payloads to a pub/sub server (nchan's `nchan_publisher`) over one
/// keep-alive connection, `pipeline` requests in flight, paced to `rate` if set. With
/// several publishers, publisher `part` of `parts` sends messages part, part + parts, ….
class publisher {
public:
  publisher(const load_options& o, int part, int parts);

  /// Publishes every message; returns an error text, empty on success.
  std::string run();

  int64_t published() const {
    return published_.load();
  }

private:
  /// Reads one response from the socket's buffer; -1 on error, 0 if incomplete, else the
  /// status.
  int take_response();

  const load_options& o_;
  int part_;
  int parts_;
  int fd_ = -1;
  std::string in_;
  std::atomic<int64_t> published_{0};
};

} // namespace bench
