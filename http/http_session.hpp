#pragma once

#include "http/beast.hpp"
#include "http/bounded_request_parser.hpp"
#include "http/server_context.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace runcast::http {

class connection_slot;
class sse_stream;
class stream_ticket;

/// One HTTP/1.1 connection: reads a request (bounded in size and time), hands it to the
/// router, writes the answer, and reads the next one while the client keeps it alive. A
/// handler may instead turn the connection into an SSE stream, which then owns the socket.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  /// Takes over an accepted socket; `slot` counts it against the connection limit (null:
  /// over the limit, every request is answered 503).
  http_session(tcp::socket&& socket, server_context& ctx, std::shared_ptr<connection_slot> slot);

  /// Starts reading requests.
  void run();

  /// Answers the current request. Thread-safe; call exactly once per request. Build `res`
  /// on the session's strand (it reads the request); from any other thread use the
  /// `respond_*` functions, which build the answer there. On the strand, the answer's write
  /// starts before this returns (and all the `respond_*` and `stream` do the same there).
  void respond(response res);

  /// Answers with a JSON body. Thread-safe.
  void respond_json(bhttp::status status, nlohmann::json body);

  /// Answers `{"detail": detail}`, the API's error shape. Thread-safe.
  void respond_error(bhttp::status status, std::string detail);

  /// Answers with `body` of `content_type` (both empty: no content). Thread-safe.
  void respond_with(bhttp::status status, std::string content_type, std::string body);

  /// Takes one of the `max_streams` places for an SSE answer to the current request, before
  /// any work behind it starts. False (and a 503 answered) when there is none. On the
  /// session's strand.
  bool reserve_stream();

  /// Answers the current request with an SSE stream: the connection moves into an
  /// sse_stream, and `setup` runs on its strand before the header is written (frames it
  /// queues at once go out with the header). Takes the place `reserve_stream` reserved (or
  /// one now: without one, answers 503). Thread-safe; on the strand it runs at once.
  void stream(std::function<void(std::shared_ptr<sse_stream>)> setup);

  /// The request being handled.
  const request& req() const {
    return req_;
  }

  /// What the handlers share.
  server_context& ctx() {
    return ctx_;
  }

  /// The connection's strand.
  net::any_io_executor executor() {
    return stream_.get_executor();
  }

private:
  void do_read();
  /// Takes what a new connection's client has sent already, without waiting. True if any.
  bool read_waiting();
  /// Feeds the parser what the buffer holds until `done()`. True when done or failed (`ec`);
  /// false when it needs bytes not yet read.
  template <class Done>
  bool parse_buffered(Done done, beast::error_code& ec);
  void read_request();
  /// Checks the header before the body is read: framing, Expect, 100 Continue.
  void on_header(beast::error_code ec, size_t bytes);
  void send_continue();
  void read_body();
  void on_read(beast::error_code ec, size_t bytes);
  /// Answers a request that could not be read (413, 431 or 400); the connection closes.
  void refuse_unread(beast::error_code ec);
  void on_write(bool keep_alive, beast::error_code ec, size_t bytes);
  void fail(beast::error_code ec, char const* what);
  /// The request's path without its query string (which may hold session ids).
  std::string_view request_path() const;
  /// Writes the request's line in the request log.
  void log_request(unsigned status, size_t bytes) const;
  void do_close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  server_context& ctx_;
  std::optional<bounded_request_parser> parser_;
  request req_;
  std::shared_ptr<response> res_; ///< the answer being written, kept alive until written
  std::shared_ptr<connection_slot> slot_;
  std::shared_ptr<stream_ticket> stream_ticket_; ///< reserved for the current request
  std::chrono::steady_clock::time_point started_; ///< when the request was read (request log)
  bool fresh_ = true; ///< no read yet: the first request is likely there already
};

} // namespace runcast::http
