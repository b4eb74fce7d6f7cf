#pragma once

#include "http/form_parser.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace runcast::http::detail {

/// A header value such as `form-data; name="x"` split into its type and parameters.
struct header_value {
  std::string type;                          ///< lower-cased
  std::map<std::string, std::string> params; ///< names lower-cased; the first of a repeat wins
};

/// Reads `type *( ";" name [ "=" ( token / quoted-string ) ] )` (a Content-Type or
/// Content-Disposition value); nullopt when a quoted string is broken.
std::optional<header_value> parse_header_value(std::string_view s);

/// Parses a multipart/form-data body whose Content-Type is `content_type` (its boundary).
form_result parse_multipart(const header_value& content_type, std::string_view body);

} // namespace runcast::http::detail
