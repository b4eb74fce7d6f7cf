#pragma once

// What the tests' HTTP and SSE clients share: Beast aliases and small helpers.

#include "tests/support/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <map>
#include <string>
#include <string_view>

namespace runcast::test::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

inline std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Runs the io_context until every operation started on it has completed. Every operation
// is bounded, either by the tcp_stream's expiry or by our own timer, so this returns.
inline void run(net::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

[[noreturn]] inline void fail(const std::string& what, beast::error_code ec) {
  if (ec == beast::error::timeout)
    throw std::runtime_error(what + ": timed out");
  throw std::runtime_error(what + ": " + ec.message());
}

template <class Fields>
std::map<std::string, std::string> header_map(const Fields& fields) {
  std::map<std::string, std::string> out;
  for (const auto& field : fields) {
    std::string value{field.value()};
    auto [it, inserted] = out.emplace(lower(field.name_string()), value);
    if (!inserted)
      it->second.append(", ").append(value);
  }
  return out;
}

inline std::string find_header(const std::map<std::string, std::string>& headers,
                        std::string_view name) {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string{} : it->second;
}

inline http::request<http::string_body>
make_request(uint16_t port, std::string_view method, std::string_view target,
             std::string body, std::string_view content_type, const header_list& headers,
             std::string_view accept) {
  http::request<http::string_body> req;
  auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown)
    req.method_string(method);
  else
    req.method(verb);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::user_agent, "runcast-test");
  if (!accept.empty())
    req.set(http::field::accept, accept);
  if (!content_type.empty())
    req.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers)
    req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

inline void connect(net::io_context& ioc, beast::tcp_stream& stream, uint16_t port) {
  beast::error_code ec;
  stream.async_connect(tcp::endpoint{net::ip::address_v4::loopback(), port},
                       [&](beast::error_code e) { ec = e; });
  run(ioc);
  if (ec)
    fail("connect to 127.0.0.1:" + std::to_string(port), ec);
}

inline std::string describe(std::string_view method, std::string_view target) {
  return std::string{method} + " " + std::string{target};
}

inline bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

} // namespace runcast::test::detail
