#include "tests/integration/raw_connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace runcast::test {

namespace http = boost::beast::http;

namespace {

/// Waits for `events` on `fd` until `deadline`; false when it passes first.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0)
      return true; // readable, writable, or an error/hang-up the next call reports
    if (n < 0 && errno != EINTR)
      return true;
  }
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

} // namespace

std::string raw_response::header(const std::string& name) const {
  auto i = headers.find(name);
  return i == headers.end() ? std::string{} : i->second;
}

raw_connection::raw_connection(uint16_t port, std::chrono::milliseconds timeout)
  : deadline_(std::chrono::steady_clock::now() + timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    throw std::runtime_error(std::string{"socket: "} + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Blocking connect: on loopback it completes or is refused at once.
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    auto why = std::string{"connect to 127.0.0.1:"} + std::to_string(port) + ": "
               + std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error(why);
  }
  // Non-blocking from here on: every wait goes through poll() with the deadline.
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

raw_connection::~raw_connection() {
  if (fd_ >= 0)
    ::close(fd_);
}

void raw_connection::send(std::string_view bytes) {
  while (!bytes.empty() && fd_ >= 0) {
    // MSG_NOSIGNAL: a server that closed early must not kill the test with SIGPIPE.
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd_, POLLOUT, deadline_)) {
        timed_out_ = true;
        return;
      }
      continue;
    }
    return; // EPIPE, ECONNRESET: the server has stopped reading
  }
}

void raw_connection::shutdown_write() {
  if (fd_ >= 0)
    ::shutdown(fd_, SHUT_WR);
}

void raw_connection::reset() {
  if (fd_ < 0)
    return;
  linger abort_on_close{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  ::close(fd_);
  fd_ = -1;
}

bool raw_connection::fill() {
  if (fd_ < 0)
    return false;
  char buf[16384];
  for (;;) {
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      pending_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0)
      return false; // EOF
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return false; // ECONNRESET and the like: closed as well
    if (!wait_for(fd_, POLLIN, deadline_)) {
      timed_out_ = true;
      return false;
    }
  }
}

raw_outcome raw_connection::read_responses(std::size_t count, bool head) {
  raw_outcome out;
  while (out.responses.size() < count) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.skip(head);
    parser.body_limit(std::uint64_t{64} << 20);
    for (;;) {
      boost::beast::error_code ec;
      if (!pending_.empty()) {
        auto used = parser.put(boost::asio::buffer(pending_), ec);
        pending_.erase(0, used);
        if (parser.is_done())
          break;
        if (ec && ec != http::error::need_more) {
          out.error = "response " + std::to_string(out.responses.size() + 1)
                      + " does not parse: " + ec.message();
          return out;
        }
        if (!ec && used > 0)
          continue; // progress: the parser may take more of what is already here
      }
      if (!fill()) {
        out.timed_out = timed_out_;
        out.closed = !timed_out_;
        if (out.closed && parser.got_some()) {
          parser.put_eof(ec);
          if (!ec && parser.is_done())
            break;
          out.error = "response " + std::to_string(out.responses.size() + 1)
                      + " cut short by the close";
        }
        return out;
      }
    }
    auto res = parser.release();
    raw_response r;
    r.status = static_cast<int>(res.result_int());
    r.version = res.version();
    for (const auto& f : res) {
      auto name = lower(std::string_view{f.name_string().data(), f.name_string().size()});
      auto& value = r.headers[name];
      value += (value.empty() ? "" : ", ") + std::string{f.value()};
    }
    r.body = std::move(res.body());
    out.responses.push_back(std::move(r));
  }
  return out;
}

std::string raw_connection::read_to_close(bool& closed) {
  while (fill()) {
  }
  closed = !timed_out_;
  return std::exchange(pending_, {});
}

} // namespace runcast::test
