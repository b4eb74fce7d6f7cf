#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace runcast::http {

/// One open connection counted against `limits::max_connections`. The listener takes a
/// slot per accepted socket; whoever owns the socket (the http_session, then its
/// sse_stream) holds the slot, and releasing it frees the count.
class connection_slot {
public:
  explicit connection_slot(std::shared_ptr<std::atomic<size_t>> open) : open_(std::move(open)) {
    ++*open_;
  }

  ~connection_slot() {
    --*open_;
  }

  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;

private:
  std::shared_ptr<std::atomic<size_t>> open_;
};

} // namespace runcast::http
