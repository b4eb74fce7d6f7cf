#pragma once

#include "http/beast.hpp"

#include <string>
#include <string_view>
#include <vector>

// Cross-origin requests from browsers (`--cors-origin`; off by default: a browser then lets
// only pages of runcast's own origin, such as the console, read its answers).
namespace runcast::http::cors {

/// The request headers a cross-origin page may send.
inline constexpr std::string_view allowed_headers = "Authorization, Content-Type, Last-Event-ID";

/// True if `origin` is one of `allowed` (exact, as browsers send it: scheme://host[:port]).
bool allows(const std::vector<std::string>& allowed, std::string_view origin);

/// Adds the CORS answer headers to `out` when the request's Origin is allowed: the origin
/// itself (never "*", so credentials work), credentials, `Vary: Origin`, and the headers a
/// page may read (Retry-After).
void add_headers(const std::vector<std::string>& allowed, const request& req, bhttp::fields& out);

/// True for a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
bool is_preflight(const request& req);

/// Checks one `--cors-origin` value: scheme://host[:port], no path. Throws
/// std::invalid_argument with the reason.
void check_origin(const std::string& origin);

} // namespace runcast::http::cors
