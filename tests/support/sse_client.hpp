#pragma once

#include "tests/support/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace runcast::test {

/// One Server-Sent Events frame: the lines up to and including a blank line.
struct sse_frame {
  /// The `id:` value, if the frame had one.
  std::optional<std::string> id;
  /// The `event:` value ("" when absent; a browser would say "message").
  std::string event;
  /// The `data:` lines joined with '\n'; for a comment frame, the comment's text.
  std::string data;
  /// True for a frame of only comment lines (`: keepalive`), reported when asked for.
  bool comment = false;
  /// The frame's bytes as received, blank line included.
  std::string raw;

  /// `data` parsed as JSON (throws nlohmann::json::parse_error if it is not).
  nlohmann::json json() const;
};

/// Thrown by sse_client::next and collect_until when no frame came in time.
class sse_timeout : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Options of an sse_client.
struct sse_options {
  /// Report comment-only frames as `comment` frames; by default they are skipped.
  bool report_comments = false;
  /// Deadline for connecting, sending the request and reading the response header.
  std::chrono::milliseconds header_timeout{10000};
  /// The socket's receive buffer (SO_RCVBUF, set before connecting); 0: the system's. A
  /// client that stops reading with a small one fills the server's side after a few MB,
  /// not after the tens of MB loopback's autotuned buffers take.
  int receive_buffer_bytes = 0;
};

/// A streaming request whose response body is parsed as SSE while it arrives.
///
/// The constructor connects, sends the request and reads the response header; next() then
/// hands out frames one at a time as their bytes come in (chunked, Content-Length or
/// close-delimited bodies alike). Frames follow the WHATWG parsing rules, minimally: lines
/// end with LF, CRLF or CR; `field: value` (one leading space dropped); `data:` lines are
/// joined with '\n'; a blank line ends a frame. Unlike a browser, a frame is reported
/// whenever it had an `id`, `event` or `data` field, even with empty data; frames holding
/// only `retry:` (recorded in retry()) or unknown fields are skipped. A timeout in next()
/// leaves the connection open and the client usable.
class sse_client {
public:
  /// Connects and reads the response header; throws std::runtime_error on failure or when
  /// `options.header_timeout` passes. Sends `Accept: text/event-stream` unless `headers`
  /// names an Accept of its own.
  sse_client(uint16_t port, std::string_view method, std::string_view target,
             std::string body = "", std::string_view content_type = "",
             const header_list& headers = {}, sse_options options = {});

  /// Closes the connection (gracefully) if still open.
  ~sse_client();

  sse_client(const sse_client&) = delete;
  sse_client& operator=(const sse_client&) = delete;
  sse_client(sse_client&&) noexcept;
  sse_client& operator=(sse_client&&) noexcept;

  /// The response's status code.
  int status() const;

  /// The response's Content-Type ("" when absent).
  std::string content_type() const;

  /// A response header by name, any case ("" when absent).
  std::string header(std::string_view name) const;

  /// The next frame; nullopt once the server has ended the response (or the connection).
  /// Throws sse_timeout when no complete frame arrives within `timeout` (the connection
  /// stays open, so the call may be repeated), std::runtime_error on other read errors.
  std::optional<sse_frame> next(std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// The rest of the body as raw text (bytes not yet handed out as frames included), read
  /// until the response ends; for non-SSE answers such as a JSON error. Throws sse_timeout
  /// when the response does not end within `timeout`.
  std::string read_to_end(std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// True once the response has ended (or the connection was closed).
  bool ended() const;

  /// True if the response ended as HTTP says it should (last chunk, full Content-Length or,
  /// for a close-delimited body, EOF) rather than by a reset or a cut-off chunk.
  bool ended_cleanly() const;

  /// The last `retry:` value seen, in milliseconds.
  std::optional<long> retry() const;

  /// Drops the connection to simulate a client that goes away: by default abortively
  /// (SO_LINGER 0, the peer gets a reset), with `abortive = false` by an orderly close.
  void close(bool abortive = true);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Reads frames until `stop(frame)` is true (that frame included) or the stream ends; throws
/// sse_timeout (saying how many frames it got) if neither happens within `timeout`.
std::vector<sse_frame> collect_until(sse_client& client,
                                     const std::function<bool(const sse_frame&)>& stop,
                                     std::chrono::milliseconds timeout
                                     = std::chrono::seconds{10});

/// Reads frames until the stream ends; throws sse_timeout if it does not end in `timeout`.
std::vector<sse_frame> collect_all(sse_client& client,
                                   std::chrono::milliseconds timeout
                                   = std::chrono::seconds{10});

} // namespace runcast::test
