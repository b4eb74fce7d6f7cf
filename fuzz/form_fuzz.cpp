// Fuzzes the request body parsers (http/form_parser.hpp): urlencoded, multipart/form-data and
// JSON bodies, and query strings. Input: the Content-Type up to the first '\n', the body after.
//
// Checks, beyond "no crash, no sanitizer report":
// - a result is either fields or an error sentence, never both or neither;
// - fields keep the documented limits, and every name, value and error sentence is UTF-8
//   (they end up in JSON documents; nlohmann's strict dump() is the independent judge);
// - the fields survive a round trip through each of the three formats: encoded again as
//   urlencoded, as JSON and as multipart, they parse back to exactly the same fields;
// - a urlencoded body and the same text as a query string give the same fields;
// - parse_int64 accepts only what its comment promises.

#include "http/form_parser.hpp"

#include "fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace runcast::http;

namespace {

// True if nlohmann's strict dump() takes `text`, i.e. it is well-formed UTF-8.
bool dumps_strictly(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

void check_result(const form_result& r) {
  FUZZ_CHECK(r.fields.has_value() == r.error.empty(), "either fields or an error");
  if (!r.fields) {
    FUZZ_CHECK(dumps_strictly(r.error), "the error sentence goes into {\"detail\": …}");
    return;
  }
  FUZZ_CHECK(r.fields->size() <= max_form_fields, "field limit");
  for (const auto& [name, value] : *r.fields) {
    FUZZ_CHECK(!name.empty(), "a field name is never empty");
    FUZZ_CHECK(name.size() <= max_field_name_bytes, "field name limit");
    FUZZ_CHECK(dumps_strictly(name) && dumps_strictly(value), "fields are UTF-8");
  }
}

// -- the three encodings, written independently of the parsers -------------------------

std::string percent_encoded(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                      || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    }
  }
  return out;
}

std::string as_urlencoded(const form_fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields)
    out += (out.empty() ? "" : "&") + percent_encoded(name) + "=" + percent_encoded(value);
  return out;
}

std::string as_json(const form_fields& fields) {
  auto doc = nlohmann::json::object();
  for (const auto& [name, value] : fields)
    doc[name] = value;
  return doc.dump();
}

// A boundary that occurs in no name or value, so only the delimiters contain it.
std::string boundary_for(const form_fields& fields) {
  for (unsigned n = 0;; ++n) {
    auto boundary = "fuzz" + std::to_string(n);
    bool used = false;
    for (const auto& [name, value] : fields)
      used = used || name.find(boundary) != std::string::npos
             || value.find(boundary) != std::string::npos;
    if (!used)
      return boundary;
  }
}

// A name as an RFC 7578 quoted-string: only '"' and '\' are escaped, as httpx does.
std::string quoted_string(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string as_multipart(const form_fields& fields, const std::string& boundary) {
  std::string out;
  for (const auto& [name, value] : fields)
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=" + quoted_string(name)
           + "\r\n\r\n" + value + "\r\n";
  return out + "--" + boundary + "--\r\n";
}

void check_round_trips(const form_fields& fields) {
  auto urlencoded = parse_form("application/x-www-form-urlencoded", as_urlencoded(fields));
  FUZZ_CHECK(urlencoded.fields == fields, "urlencoded round trip");
  auto json = parse_form("application/json", as_json(fields));
  FUZZ_CHECK(json.fields == fields, "JSON round trip");
  // A header line cannot carry CR or LF, so such names have no multipart spelling.
  for (const auto& [name, value] : fields)
    if (name.find_first_of("\r\n") != std::string::npos)
      return;
  auto boundary = boundary_for(fields);
  auto multipart = parse_form("multipart/form-data; boundary=" + boundary,
                              as_multipart(fields, boundary));
  FUZZ_CHECK(multipart.fields == fields, "multipart round trip");
}

void check_int64(const std::string& text) {
  auto n = parse_int64(text);
  if (!n)
    return;
  auto digits = std::string_view{text}.substr(text[0] == '-' ? 1 : 0);
  FUZZ_CHECK(!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos,
             "parse_int64 reads an optional '-' and digits only");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto eol = input.find('\n');
  auto content_type = input.substr(0, eol);
  auto body = eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);

  auto result = parse_form(content_type, body);
  check_result(result);
  if (result.fields) {
    check_round_trips(*result.fields);
    for (const auto& [name, value] : *result.fields) {
      (void)parse_bool(value);
      check_int64(value);
    }
  }

  auto query = parse_query(body);
  check_result(query);
  if (content_type == "application/x-www-form-urlencoded" && !body.empty())
    FUZZ_CHECK(query.fields == result.fields, "a query string parses as a form body does");
  return 0;
}
