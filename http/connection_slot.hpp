#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace runcast::http {

/// One open connection counted against `limits::max_connections`, and among those of the
/// I/O context it lives on (`here`, may be null). The listener takes a slot per accepted
/// socket; whoever owns the socket (the http_session, then its sse_stream) holds the slot,
/// and releasing it frees the counts.
class connection_slot {
public:
  explicit connection_slot(std::shared_ptr<std::atomic<size_t>> open,
                           std::shared_ptr<std::atomic<size_t>> here = nullptr)
    : open_(std::move(open)), here_(std::move(here)) {
    ++*open_;
    if (here_)
      ++*here_;
  }

  ~connection_slot() {
    --*open_;
    if (here_)
      --*here_;
  }

  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;

private:
  std::shared_ptr<std::atomic<size_t>> open_;
  std::shared_ptr<std::atomic<size_t>> here_;
};

} // namespace runcast::http
