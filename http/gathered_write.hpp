#pragma once

#include "core/sse.hpp"
#include "http/beast.hpp"

#include <cstddef>
#include <vector>

namespace runcast::http {

/// One write of an SSE stream: the response header (on the first write only), then frames as
/// one HTTP chunk — a flat list of buffers, handed to the socket a slice at a time. Asio's
/// composed async_write gives the kernel 16 buffers per call (its consuming_buffers) and
/// walks Beast's chunk view with a dispatch per buffer; async_write_some on a plain slice
/// takes 64 buffers per call: a catch-up of 512 frames is 8 system calls, not 32.
/// Holds the frames and the bytes its buffers point to until the write is done.
class gathered_write {
public:
  /// The buffers not yet written, as async_write_some takes them (two pointers, cheap for
  /// Asio to copy into its operation).
  struct slice {
    using value_type = net::const_buffer;
    using const_iterator = const net::const_buffer*;
    const_iterator first;
    const_iterator last;
    const_iterator begin() const {
      return first;
    }
    const_iterator end() const {
      return last;
    }
  };

  /// `head` (may be null) goes before the chunk; `frames` make the chunk, whose size must
  /// not be 0 (a chunk of size 0 ends an HTTP response).
  gathered_write(frame_ptr head, std::vector<frame_ptr> frames);

  gathered_write(const gathered_write&) = delete;
  gathered_write& operator=(const gathered_write&) = delete;

  /// What is left to write.
  slice rest() const {
    return {buffers_.data() + next_, buffers_.data() + buffers_.size()};
  }

  /// Takes `n` written bytes off the front; true when nothing is left.
  bool consume(size_t n);

  /// The bytes of the whole write, header and chunk framing included.
  size_t bytes() const {
    return bytes_;
  }

  /// Number of frames in the chunk.
  size_t frames() const {
    return frames_.size();
  }

private:
  frame_ptr head_;
  std::vector<frame_ptr> frames_;
  bhttp::chunk_header chunk_; ///< the chunk's size line (its bytes are Beast's, shared)
  std::vector<net::const_buffer> buffers_;
  size_t next_ = 0; ///< the first buffer not fully written
  size_t bytes_ = 0;
};

} // namespace runcast::http
