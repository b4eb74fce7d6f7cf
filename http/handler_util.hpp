#pragma once

#include "core/errc.hpp"
#include "http/error_status.hpp"
#include "http/form_parser.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"
#include "runtime/access.hpp"

#include <cstdint>
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

/// Who the request says it is: `session_id` and `user_id` from the form (if any), else
/// from the query string.
inline runtime::access requester(const form_fields* form, const form_fields& query) {
  runtime::access who;
  who.session_id = form ? field(*form, "session_id") : std::nullopt;
  if (!who.session_id)
    who.session_id = field(query, "session_id");
  who.user_id = form ? field(*form, "user_id") : std::nullopt;
  if (!who.user_id)
    who.user_id = field(query, "user_id");
  return who;
}

/// Answers the session's request with `{"detail": detail}`.
inline void reply(const std::shared_ptr<http_session>& s, bhttp::status st,
                  const std::string& detail) {
  s->respond_error(st, detail);
}

/// Answers a runtime failure: its status from the one table, its detail.
inline void reply(const std::shared_ptr<http_session>& s, const failure& f) {
  reply(s, status_of(f.code), f.detail);
}

/// The one integer-parameter parser: reads optional field `name` of `f` into `out` when it is
/// an integer in [lo, hi]. False (and a 422 answered) if it is present but not.
template <class Int>
bool int_field(const std::shared_ptr<http_session>& s, const form_fields& f, const char* name,
               int64_t lo, int64_t hi, Int& out) {
  auto v = field(f, name);
  if (!v)
    return true;
  auto n = parse_int64(*v);
  if (!n || *n < lo || *n > hi) {
    reply(s, bhttp::status::unprocessable_entity,
          std::string{name} + " must be an integer between " + std::to_string(lo) + " and "
            + std::to_string(hi));
    return false;
  }
  out = static_cast<Int>(*n);
  return true;
}

} // namespace runcast::http
