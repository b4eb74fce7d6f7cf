#pragma once

#include "http/form_parser.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

// Small helpers every request handler uses.
namespace runcast::http {

/// A form or query field; nullopt when absent or empty (an empty field means "not given").
inline std::optional<std::string> field(const form_fields& f, std::string_view name) {
  auto i = f.find(name);
  if (i == f.end() || i->second.empty())
    return std::nullopt;
  return i->second;
}

/// Answers the session's request with `{"detail": detail}`.
inline void reply(const std::shared_ptr<http_session>& s, bhttp::status st,
                  const std::string& detail) {
  s->respond(error_response(s->req(), st, detail));
}

} // namespace runcast::http
