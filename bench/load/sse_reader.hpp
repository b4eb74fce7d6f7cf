#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace bench {

/// Reads one HTTP response carrying an SSE stream, incrementally: the status line and
/// headers, then a chunked or an identity body, and calls `on_frame` with each complete SSE
/// frame (the text before a blank line). Built for speed over generality: the servers it
/// reads (runcast, nchan) end lines with "\n" inside the stream.
class sse_reader {
public:
  using frame_handler = std::function<void(std::string_view frame)>;

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
  bool read_chunked();
  void read_frames();

  frame_handler on_frame_;
  std::string in_;     ///< received bytes not yet consumed (head or chunk framing)
  std::string head_;
  std::string body_;   ///< decoded body bytes not yet consumed as frames
  size_t scan_from_ = 0;
  int status_ = 0;
  bool head_done_ = false;
  bool chunked_ = false;
  bool body_done_ = false;
  size_t chunk_left_ = 0;      ///< bytes of the current chunk still to come
  bool need_chunk_crlf_ = false;
};

} // namespace bench
