#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace runcast::test {

// Synchronous HTTP/1.1 and SSE clients for tests, always to 127.0.0.1. Each call runs its
// own io_context until the operation completes or its deadline passes, so a test can never
// block forever on the network.

/// Extra request headers, sent in this order (a name given here replaces a default).
using header_list = std::vector<std::pair<std::string, std::string>>;

/// A complete HTTP response.
struct http_response {
  /// Status code (200, 202, 404, …).
  int status = 0;
  /// The whole body.
  std::string body;
  /// Header fields by lower-case name; repeated fields are joined with ", ".
  std::map<std::string, std::string> headers;

  /// The field's value, or "" when absent; `name` in any case.
  std::string header(std::string_view name) const;

  /// The body parsed as JSON (throws nlohmann::json::parse_error if it is not).
  nlohmann::json json() const;
};

/// Sends one request on a fresh connection and reads the whole response. `method` is the
/// verb's name ("GET", "POST", …), `target` the path and query. Throws std::runtime_error
/// on connection failure, on a malformed response, or when `timeout` (the deadline for the
/// whole exchange) passes.
http_response request(uint16_t port, std::string_view method, std::string_view target,
                      std::string body = "", std::string_view content_type = "",
                      const header_list& headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds{10});

/// `application/x-www-form-urlencoded` encoding of `fields` (space as '+', everything but
/// unreserved characters percent-encoded).
std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields);

/// A `multipart/form-data` body and the Content-Type header that announces its boundary.
struct multipart_body {
  std::string body;
  std::string content_type;
};

/// Encodes `fields` as `multipart/form-data` (text fields only).
multipart_body multipart_form(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace runcast::test
