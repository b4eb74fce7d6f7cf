#include "tests/support/http_client.hpp"

#include "tests/support/http_detail.hpp"

#include <array>

namespace runcast::test {

using namespace detail;

// -- plain requests ---------------------------------------------------------------------------

std::string http_response::header(std::string_view name) const {
  return find_header(headers, name);
}

nlohmann::json http_response::json() const {
  return nlohmann::json::parse(body);
}

http_response request(uint16_t port, std::string_view method, std::string_view target,
                      std::string body, std::string_view content_type,
                      const header_list& headers, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  // One deadline for the whole exchange; on expiry the stream closes its socket and the
  // pending operation fails with beast::error::timeout.
  stream.expires_after(timeout);
  connect(ioc, stream, port);

  auto req = make_request(port, method, target, std::move(body), content_type, headers, "");
  beast::error_code write_ec;
  http::async_write(stream, req,
                    [&](beast::error_code e, std::size_t) { write_ec = e; });
  run(ioc);

  // Read even if the write failed: a server may answer (413, 400) and close before it has
  // read a large body, and that answer is what the test wants to see.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{256} << 20);
  if (req.method() == http::verb::head)
    parser.skip(true);
  beast::error_code read_ec;
  http::async_read(stream, buffer, parser,
                   [&](beast::error_code e, std::size_t) { read_ec = e; });
  run(ioc);
  if (read_ec) {
    if (write_ec)
      fail("send " + describe(method, target), write_ec);
    fail("read the response to " + describe(method, target), read_ec);
  }

  auto& res = parser.get();
  http_response out;
  out.status = static_cast<int>(res.result_int());
  out.headers = header_map(res);
  out.body = std::move(res.body());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return out;
}

std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  auto append = [&](const std::string& s) {
    for (unsigned char c : s) {
      if (is_unreserved(c)) {
        out.push_back(static_cast<char>(c));
      } else if (c == ' ') {
        out.push_back('+');
      } else {
        out.push_back('%');
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
      }
    }
  };
  for (const auto& [name, value] : fields) {
    if (!out.empty())
      out.push_back('&');
    append(name);
    out.push_back('=');
    append(value);
  }
  return out;
}

multipart_body multipart_form(const std::vector<std::pair<std::string, std::string>>& fields) {
  const std::string boundary = "runcast-test-boundary-7MA4YWxkTrZu0gW";
  multipart_body out;
  for (const auto& [name, value] : fields) {
    out.body.append("--").append(boundary).append("\r\n");
    out.body.append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n");
    out.body.append("\r\n").append(value).append("\r\n");
  }
  out.body.append("--").append(boundary).append("--\r\n");
  out.content_type = "multipart/form-data; boundary=" + boundary;
  return out;
}

// -- SSE --------------------------------------------------------------------------------------

} // namespace runcast::test
