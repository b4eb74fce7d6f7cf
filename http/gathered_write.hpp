#pragma once

#include "core/sse.hpp"
#include "http/beast.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace runcast::http {

/// One write of an SSE stream: the response header (on the first write only), then frames as
/// one HTTP chunk — a flat list of buffers, handed to the socket a slice at a time. Over
/// Beast's chunk view (a cat of the size line, the frames and the CRLF) Asio's composed
/// async_write made a variant dispatch per buffer; a plain slice is walked by pointer.
/// Holds the frames and the bytes its buffers point to until the write is done.
///
/// A slice is at most `max_buffers` buffers (one sendmsg), which the caller chooses
/// (busy_writers.hpp): 64 made a 10,000-event replay 10 % faster than 16 (176 system calls,
/// not 646), but with 64 for every stream fan-out's first event p99 went from ~90 ms to
/// ~1 s: a 1,000-stream burst's I/O thread spent four times longer on each stream's backlog
/// before it reached the streams still waiting for their first event (32: the same). 16 is
/// also what Asio's own async_write uses.
class gathered_write {
public:
  /// The most rest() hands out: Linux's IOV_MAX, what one sendmsg takes (sse_stream's
  /// direct writes; Asio's async_write_some sends the first 64 of a longer slice).
  static constexpr size_t max_slice_buffers = 1024;
  static constexpr size_t default_slice_buffers = 16; ///< what rest() hands out unasked

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

  /// The next slice of what is left to write, at most `max_buffers` buffers (empty when
  /// all is written).
  slice rest(size_t max_buffers = default_slice_buffers) const {
    auto n = std::min({buffers_.size() - next_, max_buffers, max_slice_buffers});
    return {buffers_.data() + next_, buffers_.data() + next_ + n};
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
