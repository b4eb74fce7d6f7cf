#include "runnables/http_client_connection.hpp"

#include <openssl/ssl.h>

namespace runcast::runnables {

http_client_connection::http_client_connection(
  net::strand<net::io_context::executor_type> strand, std::shared_ptr<ssl::context> tls)
  : strand_(std::move(strand)), tls_context_(std::move(tls)), resolver_(strand_),
    resolve_timer_(strand_) {
  if (tls_context_)
    tls_.emplace(strand_, *tls_context_);
  else
    plain_.emplace(strand_);
}

beast::tcp_stream& http_client_connection::lowest() {
  return tls_ ? tls_->next_layer() : *plain_;
}

void http_client_connection::start(std::string host, std::string port,
                                   bhttp::request<bhttp::string_body> req,
                                   std::chrono::milliseconds connect_timeout,
                                   std::chrono::milliseconds response_timeout,
                                   size_t body_limit, handlers h) {
  host_ = std::move(host);
  req_ = std::move(req);
  h_ = std::move(h);
  connect_timeout_ = connect_timeout;
  response_timeout_ = response_timeout;
  connect_deadline_ = clock::now() + connect_timeout;
  parser_.emplace();
  parser_->header_limit(header_limit);
  parser_->body_limit(body_limit);
  if (tls_) {
    // SNI names the host (never an IP literal, RFC 6066); the certificate must name it too.
    beast::error_code ec;
    net::ip::make_address(host_, ec);
    if (ec && !SSL_set_tlsext_host_name(tls_->native_handle(), host_.c_str())) {
      fail(stage::handshake, beast::error_code(static_cast<int>(::ERR_get_error()),
                                               net::error::get_ssl_category()));
      return;
    }
    tls_->set_verify_mode(ssl::verify_peer);
    tls_->set_verify_callback(ssl::host_name_verification(host_));
  }
  resolve_timer_.expires_at(connect_deadline_);
  resolve_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->closed_) {
      self->resolve_timed_out_ = true;
      self->resolver_.cancel();
    }
  });
  resolver_.async_resolve(host_, port,
                          [self = shared_from_this()](beast::error_code ec,
                                                      tcp::resolver::results_type results) {
                            self->on_resolve(ec, std::move(results));
                          });
}

void http_client_connection::on_resolve(beast::error_code ec,
                                        tcp::resolver::results_type results) {
  if (closed_)
    return;
  resolve_timer_.cancel();
  if (resolve_timed_out_)
    ec = beast::error::timeout;
  if (ec)
    return fail(stage::resolve, ec);
  lowest().expires_at(connect_deadline_);
  lowest().async_connect(results, [self = shared_from_this()](beast::error_code ec,
                                                              const tcp::endpoint&) {
    self->on_connect(ec);
  });
}

void http_client_connection::on_connect(beast::error_code ec) {
  if (closed_)
    return;
  if (ec)
    return fail(stage::connect, ec);
  if (!tls_)
    return do_write();
  lowest().expires_at(connect_deadline_);
  tls_->async_handshake(ssl::stream_base::client,
                        [self = shared_from_this()](beast::error_code ec) {
                          self->on_handshake(ec);
                        });
}

void http_client_connection::on_handshake(beast::error_code ec) {
  if (closed_)
    return;
  if (ec)
    return fail(stage::handshake, ec);
  do_write();
}

void http_client_connection::do_write() {
  lowest().expires_after(connect_timeout_);
  with_stream([this](auto& stream) {
    bhttp::async_write(stream, req_,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         self->on_write(ec);
                       });
  });
}

void http_client_connection::on_write(beast::error_code ec) {
  if (closed_)
    return;
  if (ec)
    return fail(stage::write, ec);
  sent_at_ = clock::now();
  lowest().expires_at(sent_at_ + response_timeout_);
  with_stream([this](auto& stream) {
    bhttp::async_read_header(stream, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->on_header(ec);
                             });
  });
}

void http_client_connection::on_header(beast::error_code ec) {
  if (closed_)
    return;
  if (ec)
    return fail(stage::read, ec);
  const auto& res = parser_->get();
  std::string retry_after{res[bhttp::field::retry_after]};
  h_.on_header(res.result_int(), std::move(retry_after));
}

void http_client_connection::read_more(clock::time_point deadline) {
  if (closed_)
    return;
  if (pending_error_)
    return fail(stage::read, pending_error_);
  if (parser_->is_done()) {
    closed_ = true; // the exchange is over: nothing more to report
    lowest().close();
    auto done = std::move(h_.on_done);
    h_ = {};
    done();
    return;
  }
  read_deadline_ = deadline;
  parser_->get().body().data = body_;
  parser_->get().body().size = sizeof body_;
  lowest().expires_at(deadline);
  with_stream([this](auto& stream) {
    bhttp::async_read_some(stream, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             self->on_read(ec);
                           });
  });
}

void http_client_connection::on_read(beast::error_code ec) {
  if (closed_)
    return;
  if (ec == bhttp::error::need_buffer)
    ec = {};
  auto got = sizeof body_ - parser_->get().body().size;
  if (ec && got == 0)
    return fail(stage::read, ec);
  pending_error_ = ec;
  if (got == 0) {
    // A read that decoded no body bytes (a chunk header, say): read on, same deadline.
    return read_more(read_deadline_);
  }
  h_.on_body(std::string_view{body_, got});
}

void http_client_connection::fail(stage s, beast::error_code ec) {
  if (closed_)
    return;
  auto self = shared_from_this(); // the handler may drop its owner's reference to us
  closed_ = true;
  beast::error_code ignored;
  lowest().socket().close(ignored);
  // Moved out first: the handler may drop the last reference to its owner, and to us.
  auto on_error = std::move(h_.on_error);
  h_ = {};
  if (on_error)
    on_error(s, ec);
}

void http_client_connection::close() {
  // Post our work to the strand: the socket and the resolver belong to it.
  net::post(strand_, [self = shared_from_this()] { self->do_close(); });
}

void http_client_connection::do_close() {
  if (closed_)
    return;
  closed_ = true;
  resolver_.cancel();
  resolve_timer_.cancel();
  beast::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().socket().close(ignored);
  h_ = {};
}

} // namespace runcast::runnables
