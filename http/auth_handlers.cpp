// POST /auth/login and /auth/logout: the browser side of `--auth-key` (http/auth.hpp).

#include "http/auth.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/json_response.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

namespace runcast::http {

void handle_login(const std::shared_ptr<http_session>& s) {
  const auto& key = s->ctx().auth_key;
  if (key.empty())
    return reply(s, bhttp::status::not_found,
                 "authentication is off on this server (no --auth-key): no login needed");
  const auto& req = s->req();
  auto form = parse_form(req[bhttp::field::content_type], req.body());
  if (!form.fields)
    return reply(s, bhttp::status::bad_request, form.error);
  auto given = field(*form.fields, "key");
  if (!given)
    return reply(s, bhttp::status::unprocessable_entity, "key is required");
  if (given->size() != key.size() || CRYPTO_memcmp(given->data(), key.data(), key.size()) != 0) {
    spdlog::warn("login refused: wrong key");
    return reply(s, bhttp::status::unauthorized, "wrong key");
  }
  auto ttl = std::chrono::duration_cast<std::chrono::seconds>(s->ctx().lim.auth_cookie_ttl);
  auto expires = std::chrono::system_clock::now() + ttl;
  auto res = json_response(
    req, bhttp::status::ok,
    {{"status", "logged in"},
     {"expires_in_s", ttl.count()}});
  res.set(bhttp::field::set_cookie,
          auth::login_cookie(auth::make_token(key, expires), ttl, auth::came_over_https(req)));
  res.set(bhttp::field::cache_control, "no-store");
  s->respond(std::move(res));
}

void handle_logout(const std::shared_ptr<http_session>& s) {
  auto res = json_response(s->req(), bhttp::status::ok, {{"status", "logged out"}});
  res.set(bhttp::field::set_cookie, auth::logout_cookie(auth::came_over_https(s->req())));
  res.set(bhttp::field::cache_control, "no-store");
  s->respond(std::move(res));
}

} // namespace runcast::http
