#include "tests/support/sse_client.hpp"

#include "tests/support/http_detail.hpp"

#include <array>

namespace runcast::test {

using namespace detail;

nlohmann::json sse_frame::json() const {
  return nlohmann::json::parse(data);
}

struct sse_client::impl {
  // -- connection state ---------------------------------------------------------------------

  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  // Bounds each body read without touching the stream's own expiry: cancelling the read
  // (rather than letting tcp_stream close the socket) keeps the connection usable after a
  // timeout, so a test can check that "nothing arrives for a while" and read on.
  net::steady_timer timer{ioc};
  beast::flat_buffer buffer;
  // buffer_body: the parser hands over body bytes as each read brings them, which is what
  // lets frames out before the response ends.
  http::response_parser<http::buffer_body> parser;
  std::array<char, 16384> chunk{};
  sse_options options;

  // -- response state -----------------------------------------------------------------------

  int status = 0;
  std::map<std::string, std::string> headers;
  std::string text;  // body bytes received and not yet handed out as frames
  bool ended = false;
  bool clean = false;
  std::optional<long> retry;

  // Pulls more body bytes into `text`; sets `ended` when the response is over.
  void read_some(clock_type::time_point deadline) {
    if (ended)
      return;
    if (parser.is_done()) {
      ended = clean = true;
      return;
    }
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    beast::error_code ec;
    bool read_done = false;
    bool timed_out = false;
    timer.expires_at(deadline);
    timer.async_wait([&](beast::error_code e) {
      if (!e && !read_done) {
        timed_out = true;
        stream.socket().cancel();
      }
    });
    http::async_read_some(stream, buffer, parser, [&](beast::error_code e, std::size_t) {
      read_done = true;
      ec = e;
      timer.cancel();
    });
    run(ioc);
    text.append(chunk.data(), chunk.size() - parser.get().body().size);
    parser.get().body().data = nullptr;
    parser.get().body().size = 0;
    if (ec == http::error::need_buffer)
      ec = {};
    if (parser.is_done()) {
      ended = clean = true;
      return;
    }
    if (!ec)
      return;
    if (ec == net::error::operation_aborted && timed_out)
      throw sse_timeout("sse_client: no complete frame before the deadline");
    if (ec == http::error::end_of_stream || ec == http::error::partial_message
        || ec == net::error::eof || ec == net::error::connection_reset
        || ec == net::error::connection_aborted || ec == net::error::broken_pipe) {
      ended = true;
      beast::error_code ignored;
      stream.socket().close(ignored);
      return;
    }
    fail("sse_client: read", ec);
  }

  // Cuts the first complete frame worth reporting off `text`. WHATWG line ends: LF, CRLF, or
  // a lone CR (which, at the very end of what we have, might still be the start of a CRLF).
  std::optional<sse_frame> take_frame() {
    sse_frame frame;
    bool has_field = false;
    bool has_comment = false;
    std::size_t pos = 0;
    for (;;) {
      auto eol = text.find_first_of("\r\n", pos);
      if (eol == std::string::npos)
        return std::nullopt;
      auto next = eol + 1;
      if (text[eol] == '\r') {
        if (eol + 1 == text.size() && !ended)
          return std::nullopt;
        if (eol + 1 < text.size() && text[eol + 1] == '\n')
          next = eol + 2;
      }
      std::string_view line{text.data() + pos, eol - pos};
      pos = next;

      if (line.empty()) {
        if (has_field || (has_comment && options.report_comments)) {
          if (has_field) {
            if (!frame.data.empty())
              frame.data.pop_back();  // the '\n' after the last data line
          } else {
            frame = sse_frame{};
            frame.comment = true;
            frame.data = comment_text(std::string_view{text.data(), pos});
          }
          frame.raw = text.substr(0, pos);
          text.erase(0, pos);
          return frame;
        }
        // Nothing to report (retry only, a skipped comment, stray blank lines): drop it.
        text.erase(0, pos);
        pos = 0;
        frame = sse_frame{};
        has_comment = false;
        continue;
      }

      if (line.front() == ':') {
        has_comment = true;
        continue;
      }
      auto colon = line.find(':');
      auto field = line.substr(0, colon);
      std::string_view value;
      if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ')
          value.remove_prefix(1);
      }
      if (field == "data") {
        frame.data.append(value).push_back('\n');
        has_field = true;
      } else if (field == "event") {
        frame.event = std::string{value};
        has_field = true;
      } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos)
          frame.id = std::string{value};
        has_field = true;
      } else if (field == "retry") {
        if (!value.empty() && value.size() < 10
            && value.find_first_not_of("0123456789") == std::string_view::npos)
          retry = std::stol(std::string{value});
      }
    }
  }

  // The comment lines of a frame, without their ':' and one leading space, joined by '\n'.
  static std::string comment_text(std::string_view block) {
    std::string out;
    std::size_t pos = 0;
    while (pos < block.size()) {
      auto eol = block.find_first_of("\r\n", pos);
      if (eol == std::string_view::npos)
        eol = block.size();
      auto line = block.substr(pos, eol - pos);
      pos = eol + 1;
      if (eol < block.size() && block[eol] == '\r' && pos < block.size() && block[pos] == '\n')
        ++pos;
      if (line.empty() || line.front() != ':')
        continue;
      line.remove_prefix(1);
      if (!line.empty() && line.front() == ' ')
        line.remove_prefix(1);
      if (!out.empty())
        out.push_back('\n');
      out.append(line);
    }
    return out;
  }
};

sse_client::sse_client(uint16_t port, std::string_view method, std::string_view target,
                       std::string body, std::string_view content_type,
                       const header_list& headers, sse_options options)
  : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.options = options;
  // An event stream is as long as the run it follows: no body limit.
  s.parser.body_limit(boost::none);
  s.stream.expires_after(options.header_timeout);
  if (options.receive_buffer_bytes > 0) {
    s.stream.socket().open(tcp::v4());
    s.stream.socket().set_option(net::socket_base::receive_buffer_size{
      options.receive_buffer_bytes});
  }
  connect(s.ioc, s.stream, port);

  auto req = make_request(port, method, target, std::move(body), content_type, headers,
                          "text/event-stream");
  beast::error_code ec;
  http::async_write(s.stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  run(s.ioc);
  if (ec)
    fail("sse_client: send " + describe(method, target), ec);
  http::async_read_header(s.stream, s.buffer, s.parser,
                          [&](beast::error_code e, std::size_t) { ec = e; });
  run(s.ioc);
  if (ec)
    fail("sse_client: read the response header of " + describe(method, target), ec);
  // From here on, reads are bounded by next()'s own deadlines, not by the stream's expiry.
  s.stream.expires_never();

  s.status = static_cast<int>(s.parser.get().result_int());
  s.headers = header_map(s.parser.get());
  if (s.parser.is_done())
    s.ended = s.clean = true;
}

sse_client::~sse_client() {
  if (impl_ && impl_->stream.socket().is_open()) {
    beast::error_code ignored;
    impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->stream.socket().close(ignored);
  }
}

sse_client::sse_client(sse_client&&) noexcept = default;
sse_client& sse_client::operator=(sse_client&&) noexcept = default;

int sse_client::status() const {
  return impl_->status;
}

std::string sse_client::content_type() const {
  return find_header(impl_->headers, "content-type");
}

std::string sse_client::header(std::string_view name) const {
  return find_header(impl_->headers, name);
}

std::optional<sse_frame> sse_client::next(std::chrono::milliseconds timeout) {
  auto& s = *impl_;
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    if (auto frame = s.take_frame())
      return frame;
    if (s.ended)
      return std::nullopt;  // an unterminated last frame is dropped, as browsers do
    if (clock_type::now() >= deadline)
      throw sse_timeout("sse_client: no complete frame within " + std::to_string(timeout.count())
                        + " ms");
    try {
      s.read_some(deadline);
    } catch (const sse_timeout&) {
      throw sse_timeout("sse_client: no complete frame within " + std::to_string(timeout.count())
                        + " ms" + (s.text.empty() ? "" : "; partial data: " + s.text));
    }
  }
}

std::string sse_client::read_to_end(std::chrono::milliseconds timeout) {
  auto& s = *impl_;
  auto deadline = clock_type::now() + timeout;
  while (!s.ended) {
    if (clock_type::now() >= deadline)
      throw sse_timeout("sse_client: the response did not end within "
                        + std::to_string(timeout.count()) + " ms");
    try {
      s.read_some(deadline);
    } catch (const sse_timeout&) {
      throw sse_timeout("sse_client: the response did not end within "
                        + std::to_string(timeout.count()) + " ms");
    }
  }
  return std::exchange(s.text, {});
}

bool sse_client::ended() const {
  return impl_->ended;
}

bool sse_client::ended_cleanly() const {
  return impl_->ended && impl_->clean;
}

std::optional<long> sse_client::retry() const {
  return impl_->retry;
}

void sse_client::close(bool abortive) {
  auto& s = *impl_;
  s.ended = true;
  auto& socket = s.stream.socket();
  if (!socket.is_open())
    return;
  beast::error_code ignored;
  if (abortive)
    socket.set_option(net::socket_base::linger(true, 0), ignored);
  else
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// -- helpers ----------------------------------------------------------------------------------

std::vector<sse_frame> collect_until(sse_client& client,
                                     const std::function<bool(const sse_frame&)>& stop,
                                     std::chrono::milliseconds timeout) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto deadline = clock_type::now() + timeout;
  std::vector<sse_frame> frames;
  for (;;) {
    auto left = duration_cast<milliseconds>(deadline - clock_type::now());
    std::optional<sse_frame> frame;
    try {
      frame = client.next(std::max(left, milliseconds{0}));
    } catch (const sse_timeout&) {
      std::string msg = "collect: no stopping frame and no end of stream within "
                        + std::to_string(timeout.count()) + " ms; got "
                        + std::to_string(frames.size()) + " frames";
      if (!frames.empty())
        msg += ", the last:\n" + frames.back().raw;
      throw sse_timeout(msg);
    }
    if (!frame)
      return frames;
    frames.push_back(std::move(*frame));
    if (stop && stop(frames.back()))
      return frames;
  }
}

std::vector<sse_frame> collect_all(sse_client& client, std::chrono::milliseconds timeout) {
  return collect_until(client, nullptr, timeout);
}

} // namespace runcast::test
