#include "http/form_detail.hpp"

#include <algorithm>
#include <cstdint>

namespace runcast::http::detail {

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

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
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

} // namespace runcast::http::detail
