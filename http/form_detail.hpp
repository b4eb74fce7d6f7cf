#pragma once

// Internals the form parsers share (form_parser.cpp, multipart_form.cpp): the limits every
// format applies to a field, and a few text helpers.

#include "http/form_parser.hpp"

#include <string>
#include <string_view>

namespace runcast::http::detail {

/// A failed parse with its sentence.
form_result failure(std::string error);

/// Space or tab.
bool is_blank(char c);

/// `s` without leading and trailing blanks.
std::string_view trim(std::string_view s);

/// ASCII lower case.
std::string lower(std::string_view s);

/// True if `s` begins with `prefix`.
bool starts_with(std::string_view s, std::string_view prefix);

/// True for well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_utf8(std::string_view s);

/// Applies the limits every format shares and stores the field, a later value replacing an
/// earlier one. `seen` counts occurrences, not distinct names, so repeating one name cannot
/// get around the field limit. Returns an error sentence, or an empty string.
std::string add_field(form_fields& fields, std::size_t& seen, std::string name,
                      std::string value);

} // namespace runcast::http::detail
