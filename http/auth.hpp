#pragma once

#include "http/beast.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Who may call the API when `--auth-key` is set. Programs send `Authorization: Bearer KEY`.
// Browsers cannot put a header on an EventSource, so they log in once: `POST /auth/login`
// with the key answers a cookie holding a signed, expiring token (HttpOnly: no script reads
// it; SameSite=Strict: no other site's page sends it). The token is an HMAC of its expiry
// under the key, so every node of a cluster started with the same key accepts it — no
// session table, no sticky sessions — and changing the key logs every browser out.
namespace runcast::http::auth {

/// The cookie's name.
inline constexpr std::string_view cookie_name = "runcast_auth";

/// A token valid until `expires`: "v1.<unix seconds>.<hex HMAC-SHA256(key, "v1.<seconds>")>".
std::string make_token(const std::string& key, std::chrono::system_clock::time_point expires);

/// True if `token` was made with `key` and has not expired at `now`. Constant time in the
/// token's signature.
bool valid_token(const std::string& key, std::string_view token,
                 std::chrono::system_clock::time_point now);

/// The value of cookie `name` in a `Cookie` header, if present.
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);

/// True if `req` carries the key (`Authorization: Bearer`, compared in constant time) or a
/// valid token cookie.
bool authorized(const request& req, const std::string& key);

/// `Set-Cookie` for a token valid for `ttl` (`Secure` when the client came over HTTPS, as a
/// TLS-terminating proxy says with `X-Forwarded-Proto: https`).
std::string login_cookie(const std::string& token, std::chrono::seconds ttl, bool secure);

/// `Set-Cookie` that removes the token.
std::string logout_cookie(bool secure);

/// True if the client reached us over HTTPS through a proxy (`X-Forwarded-Proto: https`).
bool came_over_https(const request& req);

} // namespace runcast::http::auth
