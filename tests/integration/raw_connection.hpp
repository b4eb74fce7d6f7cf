#pragma once

// A plain TCP connection to 127.0.0.1 that writes exactly the bytes a test gives it, half-
// closes or aborts on request, and parses whatever comes back as HTTP responses. The request
// corpus needs this: http_client builds well-formed requests, and the corpus is made of the
// ones it could never build.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::test {

/// One response read off a raw connection.
struct raw_response {
  int status = 0;
  unsigned version = 0; ///< 11 for HTTP/1.1
  std::map<std::string, std::string> headers; ///< by lower-case name; repeats joined by ", "
  std::string body;

  /// The field's value, or "" when absent; `name` in lower case.
  std::string header(const std::string& name) const;
};

/// What the connection did after the responses asked for.
struct raw_outcome {
  std::vector<raw_response> responses;
  std::string error;  ///< set: the bytes received do not parse as responses
  bool closed = false;    ///< the server closed (EOF, or a reset)
  bool timed_out = false; ///< the deadline passed first
};

/// A connection with one deadline for everything done on it, so no test can block forever.
/// Every call returns by the deadline; none throws after construction.
class raw_connection {
public:
  /// Connects; throws std::runtime_error if the server does not accept.
  raw_connection(uint16_t port, std::chrono::milliseconds timeout);
  ~raw_connection();

  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Writes `bytes`, stopping early without complaint when the server closes or resets:
  /// it may answer (413, 431) before it has read everything, and the answer is the point.
  void send(std::string_view bytes);

  /// Shuts the write side: the server sees end-of-stream, and can still answer.
  void shutdown_write();

  /// Aborts the connection with a reset (SO_LINGER 0); nothing can be read after it.
  void reset();

  /// Reads until `count` whole responses have come (or the server closes, or the deadline
  /// passes). `head`: they answer HEAD requests, so they carry no body whatever their
  /// Content-Length says.
  raw_outcome read_responses(std::size_t count, bool head = false);

  /// After read_responses: reads until the server closes or the deadline passes; returns
  /// the bytes that came (and any left unparsed before), which should be none.
  std::string read_to_close(bool& closed);

private:
  /// One recv into pending_; false on EOF, error or deadline (timed_out_ says which).
  bool fill();

  int fd_ = -1;
  std::chrono::steady_clock::time_point deadline_;
  std::string pending_; ///< received, not yet parsed
  bool timed_out_ = false;
};

} // namespace runcast::test
