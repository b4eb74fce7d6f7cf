#include "http/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace runcast::http::auth {

namespace {

constexpr std::string_view version = "v1.";

std::string signature(const std::string& key, std::string_view payload) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0xf];
  }
  return out;
}

bool bearer_ok(const request& req, const std::string& key) {
  auto header = req[bhttp::field::authorization];
  std::string_view prefix = "Bearer ";
  if (header.size() != prefix.size() + key.size() || header.substr(0, prefix.size()) != prefix)
    return false;
  return CRYPTO_memcmp(header.data() + prefix.size(), key.data(), key.size()) == 0;
}

} // namespace

std::string make_token(const std::string& key, std::chrono::system_clock::time_point expires) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch());
  auto payload = std::string{version} + std::to_string(seconds.count());
  return payload + "." + signature(key, payload);
}

bool valid_token(const std::string& key, std::string_view token,
                 std::chrono::system_clock::time_point now) {
  if (token.substr(0, version.size()) != version)
    return false;
  auto dot = token.find('.', version.size());
  if (dot == std::string_view::npos)
    return false;
  auto payload = token.substr(0, dot);
  auto given = token.substr(dot + 1);
  auto expected = signature(key, payload);
  if (given.size() != expected.size()
      || CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0)
    return false;
  // Signed by us, so the number is ours; still parsed strictly.
  auto digits = payload.substr(version.size());
  long long seconds = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
  if (ec != std::errc{} || end != digits.data() + digits.size())
    return false;
  return std::chrono::system_clock::time_point{std::chrono::seconds{seconds}} > now;
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  // "a=1; b=2" (RFC 6265 section 5.4): pairs split by ';', optional spaces.
  while (!header.empty()) {
    auto semi = header.find(';');
    auto pair = header.substr(0, semi);
    header.remove_prefix(semi == std::string_view::npos ? header.size() : semi + 1);
    while (!pair.empty() && pair.front() == ' ')
      pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return pair.substr(eq + 1);
  }
  return std::nullopt;
}

bool authorized(const request& req, const std::string& key) {
  if (bearer_ok(req, key))
    return true;
  auto cookie = req[bhttp::field::cookie];
  auto token = cookie_value({cookie.data(), cookie.size()}, cookie_name);
  return token && valid_token(key, *token, std::chrono::system_clock::now());
}

std::string login_cookie(const std::string& token, std::chrono::seconds ttl, bool secure) {
  return std::string{cookie_name} + "=" + token + "; Max-Age=" + std::to_string(ttl.count())
         + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string logout_cookie(bool secure) {
  return std::string{cookie_name} + "=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"
         + (secure ? "; Secure" : "");
}

bool came_over_https(const request& req) {
  auto proto = req["X-Forwarded-Proto"];
  return beast::iequals(proto, "https");
}

} // namespace runcast::http::auth
