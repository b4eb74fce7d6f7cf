#include "http/http_session.hpp"

#include "core/log_format.hpp"
#include "http/cors.hpp"
#include "http/json_response.hpp"
#include "http/request_checks.hpp"
#include "http/router.hpp"
#include "http/sse_stream.hpp"
#include "http/stream_registry.hpp"

#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <algorithm>
#include <utility>

namespace runcast::http {

namespace {

/// Room in the read buffer past the header limit, for the last chunk's line and the CRLFs
/// around a trailer section. The buffer's bound is what bounds the bytes no parser limit
/// covers: a chunk-size line or a trailer section that Beast holds until it ends.
constexpr size_t buffer_slack = 4096;

} // namespace

http_session::http_session(tcp::socket&& socket, server_context& ctx,
                           std::shared_ptr<connection_slot> slot)
  : stream_(std::move(socket)),
    buffer_(ctx.lim.max_header_bytes + buffer_slack),
    ctx_(ctx),
    slot_(std::move(slot)) {
}

void http_session::run() {
  // Start on the connection's strand: everything of this session runs there.
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void http_session::do_read() {
  if (buffer_.size() > 0) // a pipelined request has begun already
    return read_request();
  if (std::exchange(fresh_, false) && read_waiting())
    return read_request();
  // An idle connection waits this long for the first byte of its next request...
  stream_.expires_after(ctx_.lim.idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](
                                                   beast::error_code ec, size_t n) {
    if (ec) {
      self->fail(ec, "idle read");
      self->do_close();
      return;
    }
    self->buffer_.commit(n);
    self->read_request();
  });
}

bool http_session::read_waiting() {
  // MSG_DONTWAIT rather than Asio's non-blocking mode: that would cost an ioctl here and
  // another when the first asynchronous operation sets Asio's own.
  auto space = buffer_.prepare(4096);
  auto n = ::recv(stream_.socket().native_handle(), space.data(), space.size(), MSG_DONTWAIT);
  if (n <= 0)
    return false; // nothing yet; an end or an error, the asynchronous read reports again
  buffer_.commit(static_cast<size_t>(n));
  return true;
}

template <class Done>
bool http_session::parse_buffered(Done done, beast::error_code& ec) {
  // As Beast's own read operations parse what the buffer holds before they read more.
  while (!done() && buffer_.size() > 0) {
    auto used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      return false;
    }
    if (ec)
      return true;
    if (used == 0)
      break;
  }
  return done();
}

void http_session::read_request() {
  parser_.emplace(static_cast<std::uint32_t>(ctx_.lim.max_header_bytes),
                  ctx_.lim.max_body_bytes);
  // ...and then this long for the whole request: a client that trickles its bytes
  // (slowloris) is cut when it is over. (Only an operation that waits arms the timer.)
  stream_.expires_after(ctx_.lim.read_timeout);
  // A header already in the buffer is parsed here, not in a read operation whose end
  // would wait for a turn of the I/O loop.
  beast::error_code ec;
  if (parse_buffered([this] { return parser_->is_header_done(); }, ec))
    return on_header(ec, 0);
  // The header first: whether the body is read at all, and when, depends on it.
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t n) {
                             self->on_header(ec, n);
                           });
}

void http_session::on_header(beast::error_code ec, size_t bytes) {
  if (ec)
    return on_read(ec, bytes);
  auto& header = parser_->get();
  auto refusal = framing_refusal(header);
  if (!refusal)
    refusal = expectation_refusal(header);
  if (refusal) {
    // Answered before its body is read: the body's bytes would be taken for the next
    // request, so the connection ends with this answer.
    if (!parser_->is_done())
      refusal->keep_alive(false);
    req_ = parser_->release();
    started_ = std::chrono::steady_clock::now();
    respond(std::move(*refusal));
    return;
  }
  if (closes_after(header))
    header.keep_alive(false);
  // A client that sent its body without waiting needs no 100, and RFC 9110 10.1.1 lets us
  // leave it out once some of the body has come.
  if (expects_continue(header) && !parser_->is_done() && buffer_.size() == 0)
    return send_continue();
  read_body();
}

void http_session::send_continue() {
  // The client holds its body back until it hears this (RFC 9110 10.1.1). Written within
  // the request's read deadline; the interim answer lives in the handler until written.
  auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                      11);
  bhttp::async_write(stream_, *interim,
                     [self = shared_from_this(), interim](beast::error_code ec, size_t) {
                       if (ec) {
                         self->fail(ec, "write 100 Continue");
                         self->do_close();
                         return;
                       }
                       self->read_body();
                     });
}

void http_session::read_body() {
  beast::error_code ec;
  if (parse_buffered([this] { return parser_->is_done(); }, ec))
    return on_read(ec, 0);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, size_t n) {
                      self->on_read(ec, n);
                    });
}

void http_session::on_read(beast::error_code ec, size_t) {
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout
      || ec == net::error::operation_aborted || ec == net::error::connection_reset
      || ec == net::error::eof) {
    // The client left, or stayed idle past the read timeout: nobody to answer.
    fail(ec, "read");
    do_close();
    return;
  }
  if (ec) {
    fail(ec, "read");
    refuse_unread(ec);
    return;
  }
  req_ = parser_->release();
  started_ = std::chrono::steady_clock::now();
  stream_.expires_never();
  if (auto refusal = request_refusal(req_)) {
    respond(std::move(*refusal));
    return;
  }
  if (!slot_) {
    req_.keep_alive(false);
    respond(error_response(req_, bhttp::status::service_unavailable,
                           "too many connections; try again"));
    return;
  }
  route(shared_from_this());
}

void http_session::refuse_unread(beast::error_code ec) {
  if (ec == bhttp::error::buffer_overflow) { // which bound that is depends on where it filled
    auto unparsed = buffer_.cdata();
    ec = parser_->overflow_error({static_cast<const char*>(unparsed.data()), unparsed.size()});
  }
  started_ = std::chrono::steady_clock::now();
  // A request we cannot parse gets a 4xx it can read, then the connection closes.
  request bare;
  bare.version(11);
  bare.keep_alive(false);
  req_ = bare;
  if (ec == bhttp::error::body_limit)
    respond(error_response(req_, bhttp::status::payload_too_large,
                           "request body exceeds " + std::to_string(ctx_.lim.max_body_bytes)
                             + " bytes"));
  else if (ec == bhttp::error::header_limit)
    respond(error_response(req_, bhttp::status::request_header_fields_too_large,
                           "request headers too large"));
  else
    respond(error_response(req_, bhttp::status::bad_request,
                           "malformed HTTP request: " + ec.message()));
}

void http_session::respond(response res) {
  // On the strand (a handler answering at once) the answer is written now; from another
  // thread it goes to the strand.
  auto write = [self = shared_from_this(), res = std::move(res)]() mutable {
    // Refusals for load (429) or availability (503) say when to try again.
    if ((res.result() == bhttp::status::too_many_requests
         || res.result() == bhttp::status::service_unavailable)
        && res.find(bhttp::field::retry_after) == res.end())
      res.set(bhttp::field::retry_after,
              std::to_string(std::max<long long>(
                1, std::chrono::duration_cast<std::chrono::seconds>(self->ctx_.lim.retry_after)
                     .count())));
    cors::add_headers(self->ctx_.cors_origins, self->req_, res);
    // A HEAD answer is the head of the GET answer: its Content-Length stays, its body is
    // never sent (RFC 9110 9.3.2), or the client would read it as the next answer.
    if (self->req_.method() == bhttp::verb::head)
      res.body().clear();
    self->res_ = std::make_shared<response>(std::move(res));
    auto keep_alive = self->res_->keep_alive();
    auto status = self->res_->result_int();
    self->stream_.expires_after(self->ctx_.lim.write_timeout);
    bhttp::async_write(self->stream_, *self->res_,
                       [self, keep_alive, status](beast::error_code ec, size_t n) {
                         self->log_request(status, n);
                         self->on_write(keep_alive, ec, n);
                       });
  };
  net::dispatch(stream_.get_executor(), std::move(write));
}

// Answers built from a callback on another thread are made on the strand: the request they
// take the HTTP version and keep-alive from belongs to the strand. On it, they are made now.
void http_session::respond_json(bhttp::status status, nlohmann::json body) {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this(), status, body = std::move(body)] {
                  self->respond(json_response(self->req_, status, body));
                });
}

void http_session::respond_error(bhttp::status status, std::string detail) {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this(), status, detail = std::move(detail)] {
                  self->respond(error_response(self->req_, status, detail));
                });
}

void http_session::respond_with(bhttp::status status, std::string content_type,
                                std::string body) {
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), status,
                                         content_type = std::move(content_type),
                                         body = std::move(body)]() mutable {
    self->respond(make_response(self->req_, status, content_type, std::move(body)));
  });
}

void http_session::on_write(bool keep_alive, beast::error_code ec, size_t) {
  res_.reset();
  stream_ticket_.reset(); // answered without a stream: its place is free again
  if (ec)
    fail(ec, "write");
  if (ec || !keep_alive) {
    do_close();
    return;
  }
  do_read();
}

bool http_session::reserve_stream() {
  if (!stream_ticket_)
    stream_ticket_ = ctx_.streams->reserve(ctx_.lim.max_streams);
  if (stream_ticket_)
    return true;
  spdlog::warn("refusing a stream: {} streams open (max_streams)", ctx_.streams->size());
  respond_error(bhttp::status::service_unavailable,
                "too many event streams open on this node; retry later");
  return false;
}

void http_session::stream(std::function<void(std::shared_ptr<sse_stream>)> setup) {
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), setup = std::move(setup)] {
    if (!self->reserve_stream())
      return;
    // The socket moves to the stream; this session ends here. Bytes the client sent after
    // its request (pipelining) are dropped: an SSE response is the last on its connection.
    auto s = std::make_shared<sse_stream>(std::move(self->stream_), self->req_.version(),
                                          self->ctx_.lim, std::move(self->slot_));
    self->stream_ticket_->bind(s);
    s->set_ticket(std::move(self->stream_ticket_));
    cors::add_headers(self->ctx_.cors_origins, self->req_, s->header());
    s->set_fault_cut_after(self->ctx_.fault_cut_streams_after);
    s->set_metrics(&self->ctx_.engine.metrics());
    auto method = self->req_.method_string();
    s->set_access_log(std::string{method.data(), method.size()},
                      std::string{self->request_path()}, self->started_);
    // Setup first: what its source hands over at once goes out with the header.
    setup(s);
    s->start();
  });
}

std::string_view http_session::request_path() const {
  std::string_view target{req_.target().data(), req_.target().size()};
  return target.empty() ? "-" : target.substr(0, target.find('?')); // no query: session ids
}

void http_session::log_request(unsigned status, size_t bytes) const {
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now()
                                                      - started_).count();
  auto method = req_.method_string();
  logs::request(method.empty() ? "-" : std::string_view{method.data(), method.size()},
                request_path(), status, ms, bytes);
}

void http_session::fail(beast::error_code ec, char const* what) {
  // operation_aborted: we cancelled it ourselves; end_of_stream: the client closed its
  // keep-alive connection between requests, as clients do. Neither is worth a line.
  if (ec == net::error::operation_aborted || ec == bhttp::error::end_of_stream)
    return;
  spdlog::debug("http session: {}: {}", what, ec.message());
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

} // namespace runcast::http
