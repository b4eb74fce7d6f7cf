#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace runcast::runnables {

/// Cuts a byte stream (as it arrives, in pieces of any size) into text/event-stream lines:
/// ends of line are LF, CRLF or CR, even when a CRLF is split across two pieces. A line
/// longer than `max_line` is an error, so a server that never ends a line cannot grow the
/// buffer without bound.
class sse_line_parser {
public:
  /// Longest line accepted by default: a chunk carrying a large tool-call fragment fits.
  static constexpr size_t default_max_line = 1 << 20;

  /// A parser accepting lines of at most `max_line` bytes.
  explicit sse_line_parser(size_t max_line = default_max_line) : max_line_(max_line) {
  }

  /// Feeds `bytes`, calling `on_line` (without its end of line) for each complete line.
  /// False if a line is too long (nothing more is accepted then).
  bool feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line);

  /// The part of the current line received so far (for a stream that ends without a final
  /// end of line).
  const std::string& partial() const { return line_; }

private:
  size_t max_line_;
  std::string line_;
  bool skip_lf_ = false; ///< the last byte was a CR: a following LF belongs to it
  bool failed_ = false;
};

} // namespace runcast::runnables
