#include "http/form_parser.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <utility>

namespace runcast::http {

namespace {

// -- small text helpers ------------------------------------------------------------------

form_result failure(std::string error) {
  return form_result{std::nullopt, std::move(error)};
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(),
                       [](char x, char y) { return to_lower(x) == to_lower(y); });
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Rejects overlong forms, surrogates and code points past U+10FFFF as well as broken
// sequences: fields end up in JSON documents, and nlohmann's dump() throws on bad UTF-8.
bool is_utf8(std::string_view s) {
  static constexpr std::uint32_t min_code_point[] = {0, 0, 0x80, 0x800, 0x10000};
  std::size_t i = 0;
  while (i < s.size()) {
    auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t code_point = 0;
    if ((lead & 0xE0) == 0xC0) {
      len = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      len = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      len = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (s.size() - i < len)
      return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80)
        return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (code_point < min_code_point[len] || code_point > 0x10FFFF
        || (code_point >= 0xD800 && code_point <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

// -- fields ------------------------------------------------------------------------------

// Applies the limits every format shares and stores the field, a later value replacing an
// earlier one. `seen` counts occurrences, not distinct names, so repeating one name cannot
// get around the field limit. Returns an error sentence, or an empty string.
std::string add_field(form_fields& fields, std::size_t& seen, std::string name,
                      std::string value) {
  if (++seen > max_form_fields)
    return "too many fields (the limit is " + std::to_string(max_form_fields) + ")";
  if (name.empty())
    return "a field has an empty name";
  if (name.size() > max_field_name_bytes)
    return "a field name is longer than " + std::to_string(max_field_name_bytes) + " bytes";
  // The name goes into the next message, so it must be checked before it is quoted there.
  if (!is_utf8(name))
    return "a field name is not valid UTF-8";
  if (!is_utf8(value))
    return "field \"" + name + "\" is not valid UTF-8";
  fields.insert_or_assign(std::move(name), std::move(value));
  return {};
}

// -- header values with parameters -------------------------------------------------------

/// A header value such as `form-data; name="x"` split into its type and parameters.
struct header_value {
  std::string type;                          ///< lower-cased
  std::map<std::string, std::string> params; ///< names lower-cased; the first of a repeat wins
};

// Reads `type *( ";" name [ "=" ( token / quoted-string ) ] )`. Inside quotes only `\"` and
// `\\` are unescaped: that is what httpx and requests write, while browsers leave other
// backslashes (Windows paths in filenames) unescaped and meant literally.
std::optional<header_value> parse_header_value(std::string_view s) {
  header_value out;
  auto semi = s.find(';');
  out.type = lower(trim(s.substr(0, semi)));
  std::size_t pos = semi == std::string_view::npos ? s.size() : semi + 1;
  while (pos < s.size()) {
    while (pos < s.size() && (is_blank(s[pos]) || s[pos] == ';'))
      ++pos;
    if (pos == s.size())
      break;
    auto name_end = s.find_first_of("=;", pos);
    auto name = lower(trim(s.substr(pos, name_end - pos)));
    if (name_end == std::string_view::npos || s[name_end] == ';') {
      out.params.emplace(std::move(name), std::string{});
      pos = name_end == std::string_view::npos ? s.size() : name_end;
      continue;
    }
    pos = name_end + 1;
    while (pos < s.size() && is_blank(s[pos]))
      ++pos;
    std::string value;
    if (pos < s.size() && s[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < s.size()) {
        char c = s[pos++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && pos < s.size() && (s[pos] == '"' || s[pos] == '\\'))
          c = s[pos++];
        value += c;
      }
      if (!closed)
        return std::nullopt;
      while (pos < s.size() && is_blank(s[pos]))
        ++pos;
      if (pos < s.size() && s[pos] != ';')
        return std::nullopt;
    } else {
      auto value_end = std::min(s.find(';', pos), s.size());
      value = std::string(trim(s.substr(pos, value_end - pos)));
      pos = value_end;
    }
    out.params.emplace(std::move(name), std::move(value));
  }
  return out;
}

// -- application/x-www-form-urlencoded and query strings ---------------------------------

// What Boost.URL accepts unescaped in a query (RFC 3986 3.4), plus '%' itself.
constexpr auto query_chars = boost::urls::pchars + '/' + '?' + '%';

// Browsers and httpx escape every byte outside the query set, but curl -d and hand-written
// clients send spaces, brackets and UTF-8 raw. Escaping them here lets Boost.URL parse
// the rest strictly while those bytes still stand for themselves, as in the WHATWG parser.
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

// -- multipart/form-data -----------------------------------------------------------------

constexpr std::string_view crlf = "\r\n";

// One part: header lines, a blank line, then the content up to (not including) the CRLF that
// precedes the next delimiter.
std::string add_part(form_fields& fields, std::size_t& seen, std::string_view part) {
  std::string_view headers;
  std::string_view content;
  if (starts_with(part, crlf)) {
    content = part.substr(crlf.size());
  } else {
    auto blank = part.find("\r\n\r\n");
    if (blank == std::string_view::npos)
      return "a multipart part has no blank line after its headers";
    headers = part.substr(0, blank);
    content = part.substr(blank + 4);
  }
  std::optional<header_value> disposition;
  while (!headers.empty()) {
    auto eol = headers.find(crlf);
    auto line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || trim(line.substr(0, colon)).empty())
      return "a multipart part has a malformed header line";
    // Content-Type and Content-Transfer-Encoding are ignored: RFC 7578 deprecates the
    // latter and fields are UTF-8 text whatever a part claims.
    if (!iequals(trim(line.substr(0, colon)), "content-disposition"))
      continue;
    disposition = parse_header_value(line.substr(colon + 1));
    if (!disposition)
      return "a multipart part has a malformed Content-Disposition header";
  }
  if (!disposition)
    return "a multipart part has no Content-Disposition header";
  if (disposition->type != "form-data")
    return "a multipart part is not form-data";
  auto name = disposition->params.find("name");
  if (name == disposition->params.end())
    return "a multipart part has no name";
  return add_field(fields, seen, name->second, std::string(content));
}

form_result parse_multipart(header_value const& content_type, std::string_view body) {
  auto boundary_param = content_type.params.find("boundary");
  if (boundary_param == content_type.params.end() || boundary_param->second.empty())
    return failure("multipart/form-data needs a boundary parameter in its content type");
  auto const delimiter = "--" + boundary_param->second;
  auto const next_delimiter = std::string(crlf) + delimiter;

  // The preamble, if any, ends with a CRLF that belongs to the first delimiter.
  std::size_t pos = 0;
  if (starts_with(body, delimiter)) {
    pos = delimiter.size();
  } else {
    auto first = body.find(next_delimiter);
    if (first == std::string_view::npos)
      return failure("the multipart body does not contain its boundary");
    pos = first + next_delimiter.size();
  }

  form_fields fields;
  std::size_t seen = 0;
  for (;;) {
    auto rest = body.substr(pos);
    if (rest.empty())
      return failure("the multipart body ends without a closing boundary");
    // The close delimiter ends the parts; whatever follows is epilogue and ignored.
    if (starts_with(rest, "--"))
      return form_result{std::move(fields), {}};
    // RFC 2046 allows transport padding (blanks) between a delimiter and its CRLF.
    auto padding = rest.find_first_not_of(" \t");
    if (padding == std::string_view::npos || !starts_with(rest.substr(padding), crlf))
      return failure("the multipart body has a malformed boundary line");
    pos += padding + crlf.size();
    auto end = body.find(next_delimiter, pos);
    if (end == std::string_view::npos)
      return failure("the multipart body ends without a closing boundary");
    auto error = add_part(fields, seen, body.substr(pos, end - pos));
    if (!error.empty())
      return failure(std::move(error));
    pos = end + next_delimiter.size();
  }
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
    if (iequals(word, yes))
      return true;
  for (auto no : {"false", "0", "no", "off"})
    if (iequals(word, no))
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
