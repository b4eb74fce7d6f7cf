#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace runcast::http {

/// Fields of a request body or query string by name; a repeated name keeps its last value.
/// `std::less<>` lets handlers look fields up by `std::string_view` without a copy.
using form_fields = std::map<std::string, std::string, std::less<>>;

/// Outcome of a parse: the fields, or a sentence saying what was wrong.
struct form_result {
  std::optional<form_fields> fields; ///< set on success
  std::string error;                 ///< set on failure; fit for `{"detail": error}`
};

/// Most fields one body or query may carry; every occurrence of a repeated name counts.
inline constexpr std::size_t max_form_fields = 256;

/// Longest field name, in bytes after decoding.
inline constexpr std::size_t max_field_name_bytes = 256;

/// Deepest nesting of arrays and objects accepted in a JSON body.
inline constexpr std::size_t max_json_depth = 64;

/// Parses a request body by its Content-Type: urlencoded, multipart/form-data or a JSON object.
/// An empty body gives no fields whatever the type. Names and values must be UTF-8. In
/// multipart, a file part's content becomes the field's value (its filename is dropped); in
/// JSON, strings are taken as-is, other scalars and nested values as compact JSON text, and
/// nulls are left out.
form_result parse_form(std::string_view content_type, std::string_view body);

/// Parses a URL query string without its leading '?' ("a=1&b=x%20y"); '+' decodes to a space.
form_result parse_query(std::string_view query);

/// Reads true/false, 1/0, yes/no, on/off in any case, ignoring surrounding blanks.
std::optional<bool> parse_bool(std::string_view text);

/// Reads a decimal integer strictly: an optional '-', then digits only, within int64 range.
std::optional<std::int64_t> parse_int64(std::string_view text);

} // namespace runcast::http
