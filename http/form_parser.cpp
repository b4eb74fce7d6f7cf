#include "http/form_parser.hpp"

#include "http/beast.hpp"
#include "http/form_detail.hpp"
#include "http/multipart_form.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <utility>

namespace runcast::http {

using namespace detail;

namespace {

// -- application/x-www-form-urlencoded and query strings ---------------------------------

// What Boost.URL accepts unescaped in a query (RFC 3986 3.4), plus '%' itself.
constexpr auto query_chars = boost::urls::pchars + '/' + '?' + '%';

// Escapes every byte outside the query set, leaving existing '%' escapes as they are.
// (Boost.URL's encode() cannot do this: its character set must not contain '%', so it would
// turn "%20" into "%2520".)
std::string escape_raw_bytes(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char c : text) {
    if (query_chars(c)) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    }
  }
  return out;
}

form_result parse_urlencoded(std::string_view text, std::string_view where) {
  // Always an owned, NUL-terminated copy: Debian's libboost_url 1.81 reads the text passed
  // to parse_query with strlen (seen under ASan), so a view into a larger buffer (a request
  // target inside Beast's header storage) parses whatever follows it.
  // Browsers and httpx escape every byte outside the query set, but curl -d and hand-written
  // clients send spaces, brackets and UTF-8 raw. Escaping them lets Boost.URL parse the
  // rest strictly while those bytes still stand for themselves, as in the WHATWG parser.
  std::string escaped;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return query_chars(c); }))
    escaped = escape_raw_bytes(text);
  else
    escaped.assign(text.data(), text.size());
  text = escaped;
  // After the escaping above the only thing Boost.URL can still reject is a bad '%' escape.
  auto params = boost::urls::parse_query(boost::urls::string_view{text.data(), text.size()});
  if (!params)
    return failure("malformed percent-encoding in the " + std::string(where));
  // Boost.URL decodes '+' literally unless asked: forms (and httpx's data=) encode spaces so.
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  form_fields fields;
  std::size_t seen = 0;
  for (auto const& param : *params) {
    // "a=1&&b=2" and a trailing '&' leave empty pieces that carry nothing; skip them as
    // browsers do. "=x" has a value but no name and is an error below.
    if (param.key.empty() && !param.has_value)
      continue;
    auto error = add_field(fields, seen, param.key.decode(opts), param.value.decode(opts));
    if (!error.empty())
      return failure(std::move(error));
  }
  return form_result{std::move(fields), {}};
}

// -- application/json --------------------------------------------------------------------

form_result parse_json(std::string_view body) {
  using nlohmann::json;
  // Nested values are turned back into text with dump(), which recurses; a body of a
  // million '[' would exhaust the stack. Returning false on a too-deep container makes the
  // parser discard it instead of building it. `depth` counts the enclosing containers.
  bool too_deep = false;
  auto limit_depth = [&too_deep](int depth, json::parse_event_t event, json&) {
    bool opens = event == json::parse_event_t::object_start
                 || event == json::parse_event_t::array_start;
    if (opens && static_cast<std::size_t>(depth) >= max_json_depth) {
      too_deep = true;
      return false;
    }
    return true;
  };
  json document;
  try {
    document = json::parse(body, limit_depth);
  } catch (json::parse_error const& e) {
    return failure("the body is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  } catch (json::exception const&) {
    // For instance a number too large for a double ("1e999").
    return failure("the body is not valid JSON (a number is out of range)");
  }
  if (too_deep)
    return failure("the JSON body nests deeper than " + std::to_string(max_json_depth)
                   + " levels");
  if (!document.is_object())
    return failure("a JSON body must be an object");

  form_fields fields;
  std::size_t seen = 0;
  for (auto& [name, value] : document.items()) {
    std::string text;
    if (value.is_null())
      continue;
    if (value.is_string())
      text = std::move(value.get_ref<std::string&>());
    else
      text = value.dump(); // true/false, numbers and nested values as compact JSON
    auto error = add_field(fields, seen, name, std::move(text));
    if (!error.empty())
      return failure(std::move(error));
  }
  return form_result{std::move(fields), {}};
}

} // namespace

// -- public API --------------------------------------------------------------------------

form_result parse_form(std::string_view content_type, std::string_view body) {
  if (body.empty())
    return form_result{form_fields{}, {}};
  auto type = parse_header_value(content_type);
  if (!type)
    return failure("the content type is malformed");
  if (type->type == "application/x-www-form-urlencoded")
    return parse_urlencoded(body, "form body");
  if (type->type == "multipart/form-data")
    return parse_multipart(*type, body);
  if (type->type == "application/json")
    return parse_json(body);
  // The type is echoed back in JSON, so only a printable ASCII one is quoted.
  bool printable = std::all_of(type->type.begin(), type->type.end(),
                               [](char c) { return c > 0x20 && c < 0x7F; });
  auto shown = type->type.empty() ? std::string{"(none)"}
                                  : printable ? "\"" + type->type + "\"" : "(unprintable)";
  return failure("unsupported content type " + shown
                 + "; send application/x-www-form-urlencoded, multipart/form-data or "
                   "application/json");
}

form_result parse_query(std::string_view query) {
  return parse_urlencoded(query, "query string");
}

std::optional<bool> parse_bool(std::string_view text) {
  auto word = trim(text);
  for (auto yes : {"true", "1", "yes", "on"})
    if (beast::iequals(word, yes))
      return true;
  for (auto no : {"false", "0", "no", "off"})
    if (beast::iequals(word, no))
      return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  // from_chars already refuses '+', blanks and hex prefixes; what it leaves unread, such as
  // the "e3" of "1e3", must make the whole text invalid rather than be ignored.
  std::int64_t value = 0;
  auto const* first = text.data();
  auto const* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || end != last || text.empty())
    return std::nullopt;
  return value;
}

} // namespace runcast::http
