#include "http/multipart_form.hpp"

#include "http/beast.hpp"
#include "http/form_detail.hpp"

namespace runcast::http::detail {

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

// -- multipart/form-data -----------------------------------------------------------------

namespace {

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
    if (!beast::iequals(trim(line.substr(0, colon)), "content-disposition"))
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

} // namespace

form_result parse_multipart(const header_value& content_type, std::string_view body) {
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

} // namespace runcast::http::detail
