#pragma once

#include "runnables/beast.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace runcast::runnables {

/// One HTTP/1.1 exchange with an upstream server, plain or TLS, fully asynchronous on a
/// strand: resolve, connect and (TLS) handshake within the connect timeout, write the
/// request, read the header, then hand the body out piece by piece as it arrives (chunked
/// or not), one read at a time when the owner asks for more — so a slow consumer stops the
/// reading instead of growing a buffer. Every handler runs on the strand.
class http_client_connection : public std::enable_shared_from_this<http_client_connection> {
public:
  // -- member types -----------------------------------------------------------------------

  /// The clock of every deadline.
  using clock = std::chrono::steady_clock;

  /// The step an error happened in: before `write` nothing reached the server.
  enum class stage { resolve, connect, handshake, write, read };

  /// What the connection reports. After `on_header`, each `on_body` piece and `read_more`
  /// calls alternate; `on_done` or `on_error` ends the exchange (never after `close`).
  struct handlers {
    /// The status and the Retry-After header (empty if none).
    std::function<void(unsigned status, std::string retry_after)> on_header;
    /// The next decoded piece of the body (valid during the call only).
    std::function<void(std::string_view bytes)> on_body;
    /// The whole body was read.
    std::function<void()> on_done;
    /// The exchange failed in `stage` (beast::error::timeout for a missed deadline).
    std::function<void(stage, beast::error_code)> on_error;
  };

  /// Largest response header accepted.
  static constexpr size_t header_limit = 16 * 1024;

  // -- construction -------------------------------------------------------------------------

  /// A connection whose work runs on `strand`; `tls` is the context for https (null: http).
  http_client_connection(net::strand<net::io_context::executor_type> strand,
                         std::shared_ptr<ssl::context> tls);

  // -- the exchange -------------------------------------------------------------------------

  /// Starts the exchange: `req` to `host`:`port`; connecting (resolve, connect, handshake)
  /// and writing each get `connect_timeout`, the header must arrive within
  /// `response_timeout` of the request being written. At most `body_limit` body bytes.
  /// Call on the strand.
  void start(std::string host, std::string port, bhttp::request<bhttp::string_body> req,
             std::chrono::milliseconds connect_timeout,
             std::chrono::milliseconds response_timeout, size_t body_limit, handlers h);

  /// Reads the next piece of the body, failing with a timeout if none comes by `deadline`.
  /// Call on the strand, after `on_header` or `on_body`.
  void read_more(clock::time_point deadline);

  /// When the request was completely written (the epoch before).
  clock::time_point sent_at() const { return sent_at_; }

  /// Closes the socket at once, from any thread: pending operations end and no handler is
  /// called any more. The upstream sees the connection drop.
  void close();

private:
  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }
  beast::tcp_stream& lowest();
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
  void on_connect(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void do_write();
  void on_write(beast::error_code ec);
  void on_header(beast::error_code ec);
  void on_read(beast::error_code ec);
  void fail(stage s, beast::error_code ec);
  void do_close();

  net::strand<net::io_context::executor_type> strand_;
  std::shared_ptr<ssl::context> tls_context_;
  tcp::resolver resolver_;
  net::steady_timer resolve_timer_; ///< the resolver has no deadline of its own
  std::optional<beast::tcp_stream> plain_;
  std::optional<ssl::stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_{64 * 1024}; ///< bounded: at most this much read ahead
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser_;
  bhttp::request<bhttp::string_body> req_;
  handlers h_;
  std::string host_;
  std::chrono::milliseconds connect_timeout_{0};
  std::chrono::milliseconds response_timeout_{0};
  clock::time_point connect_deadline_;
  clock::time_point sent_at_;
  clock::time_point read_deadline_; ///< of the read in progress
  beast::error_code pending_error_; ///< a read error that came with bytes, reported next
  bool resolve_timed_out_ = false;
  bool closed_ = false;
  char body_[16 * 1024];
};

} // namespace runcast::runnables
