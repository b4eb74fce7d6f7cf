#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace bench {

/// Reads one HTTP response carrying an SSE stream, incrementally: the status line and
/// headers, then a chunked or an identity body, and calls `on_frame` with each complete SSE
/// frame (the text before a blank line). Built for speed over generality: the servers it
/// reads (runcast, nchan) end lines with "\n" inside the stream. Frames are handed over
/// where they lie in the bytes fed when they can be (one read and one scan per byte); only
/// a frame cut by a read or by the chunk framing is copied, to join its parts. The client
/// shares the machine's two cores with the server it measures: every copy it saves is CPU
/// the server gets.
class sse_reader {
public:
  using frame_handler = std::function<void(std::string_view frame)>;

  /// A frame longer than this (no blank line within it) makes the response malformed: a
  /// stream that never ends a frame must not grow the client without bound.
  static constexpr size_t max_frame_bytes = 16 * 1024 * 1024;

  explicit sse_reader(frame_handler on_frame);

  /// Feeds received bytes; false once the response is malformed.
  bool feed(const char* data, size_t n);

  /// The response's status; 0 until its head is read.
  int status() const {
    return status_;
  }
  bool head_done() const {
    return head_done_;
  }
  /// The body ended (last chunk read); an identity body ends only when the peer closes.
  bool body_done() const {
    return body_done_;
  }
  /// The response head, for a failed request's report.
  const std::string& head() const {
    return head_;
  }

private:
  bool read_head();
  bool read_chunked(const char* p, size_t n);
  bool take_body(const char* p, size_t n);

  frame_handler on_frame_;
  std::string in_;     ///< the response head, until it is complete
  std::string head_;
  std::string line_;   ///< a chunk-size line cut by a read
  std::string body_;   ///< a frame cut by a read (or by the chunk framing), its first part
  int status_ = 0;
  bool head_done_ = false;
  bool chunked_ = false;
  bool body_done_ = false;
  size_t chunk_left_ = 0; ///< bytes of the current chunk still to come
  int crlf_left_ = 0;     ///< bytes of the CRLF after a chunk still to come
};

} // namespace bench
