#include "http/bounded_request_parser.hpp"

namespace runcast::http {

namespace {

/// What a field line adds to its section besides name and value: ": " and CRLF.
constexpr std::uint64_t field_line_framing = 4;

} // namespace

bounded_request_parser::bounded_request_parser(std::uint32_t header_bytes,
                                               std::uint64_t body_bytes)
  : body_(msg_.base(), msg_.body()), header_limit_(header_bytes), body_limit_(body_bytes) {
  header_limit(header_bytes);
  body_limit(body_bytes);
}

beast::error_code bounded_request_parser::overflow_error(std::string_view unparsed) const {
  if (!is_header_done())
    return bhttp::error::header_limit;
  if (!chunked())
    return bhttp::error::body_limit; // not seen: a sized body leaves the buffer as it comes
  // Beast leaves unparsed the CRLF that ends the previous chunk's data and the chunk line it
  // waits to see whole. A line of a chunk with data is taken the moment its CRLF arrives, so
  // a whole line here is the last chunk's: what filled the buffer is the trailer section.
  if (unparsed.substr(0, 2) == "\r\n")
    unparsed.remove_prefix(2);
  return unparsed.find("\r\n") == std::string_view::npos ? bhttp::error::body_limit
                                                          : bhttp::error::header_limit;
}

void bounded_request_parser::on_request_impl(bhttp::verb method, beast::string_view method_str,
                                             beast::string_view target, int version,
                                             beast::error_code&) {
  msg_.target(target);
  if (method != bhttp::verb::unknown)
    msg_.method(method);
  else
    msg_.method_string(method_str);
  msg_.version(static_cast<unsigned>(version));
}

void bounded_request_parser::on_response_impl(int, beast::string_view, int,
                                              beast::error_code& ec) {
  ec = bhttp::error::bad_version; // a request parser: never called
}

void bounded_request_parser::on_field_impl(bhttp::field name, beast::string_view name_string,
                                           beast::string_view value, beast::error_code& ec) {
  // Checked before Beast's fields see it: they would throw, out of the read.
  if (name_string.size() > max_field_bytes || value.size() > max_field_bytes) {
    ec = bhttp::error::header_limit;
    return;
  }
  if (!is_header_done()) {
    msg_.insert(name, name_string, value);
    return;
  }
  // A trailer field: no handler reads one, and merged into the header it could add a
  // second Host or Content-Type behind the checks. Bounded like the header, then dropped.
  trailer_bytes_ += name_string.size() + value.size() + field_line_framing;
  if (trailer_bytes_ > header_limit_)
    ec = bhttp::error::header_limit;
}

void bounded_request_parser::on_header_impl(beast::error_code& ec) {
  ec = {};
}

void bounded_request_parser::on_body_init_impl(
  const boost::optional<std::uint64_t>& content_length, beast::error_code& ec) {
  body_.init(content_length, ec);
}

std::size_t bounded_request_parser::on_body_impl(beast::string_view body,
                                                 beast::error_code& ec) {
  return body_.put(net::buffer(body.data(), body.size()), ec);
}

void bounded_request_parser::on_chunk_header_impl(std::uint64_t size,
                                                  beast::string_view extensions,
                                                  beast::error_code& ec) {
  // Beast weighs only chunk data against the body limit; extensions ride along free, so a
  // body of one-byte chunks could carry megabytes of them. They count here.
  chunked_bytes_ += size + extensions.size();
  if (chunked_bytes_ > body_limit_)
    ec = bhttp::error::body_limit;
}

std::size_t bounded_request_parser::on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                                       beast::error_code& ec) {
  return body_.put(net::buffer(body.data(), body.size()), ec);
}

void bounded_request_parser::on_finish_impl(beast::error_code& ec) {
  body_.finish(ec);
}

} // namespace runcast::http
