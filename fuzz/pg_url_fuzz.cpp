// Fuzzes the PostgreSQL URL reader (persistence/pg_settings.hpp `detail::parse_url`), which
// turns `--db postgresql://…` into libpq's conninfo, the pool size and the secrets to hide.
// Input: the URL text; the defaults are pg_store_options' (pool of 4, statements 10 s).
//
// Checks, beyond "no crash, no sanitizer report":
// - it throws store_error or nothing else (anything else would escape `runcast serve`);
// - the pool size is within 1..100, the statement timeout within 100..3600000 ms;
// - conninfo is the URL up to '?' with a lower-case scheme, then the URL's parameters in
//   order without `pool_size` and `statement_timeout`, then each default timeout the URL
//   does not set itself, then the statement timeout as libpq `options` unless the URL has
//   its own (rebuilt here independently, parameter by parameter);
// - the password, from the user info or a `password=` parameter, is among the secrets, and
//   no secret is empty (an empty one would "hide" every gap between characters).

#include "persistence/pg_settings.hpp"

#include "fuzz/fuzz_check.hpp"
#include "persistence/store.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using runcast::persistence::store_error;
using runcast::persistence::detail::parse_url;
using runcast::persistence::detail::pg_settings;

namespace {

constexpr size_t default_pool_size = 4;
constexpr size_t default_statement_timeout_ms = 10'000;

// The URL's query split at '&', empty pieces dropped.
std::vector<std::string_view> query_params(std::string_view url) {
  std::vector<std::string_view> out;
  auto q = url.find('?');
  if (q == std::string_view::npos)
    return out;
  auto query = url.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    if (amp != 0)
      out.push_back(query.substr(0, amp));
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
  }
  return out;
}

std::string_view key_of(std::string_view param) {
  return param.substr(0, param.find('='));
}

bool is_secret(const pg_settings& s, std::string_view text) {
  return std::find(s.secrets.begin(), s.secrets.end(), text) != s.secrets.end();
}

void check_conninfo(const std::string& url, const pg_settings& s) {
  auto base = url.substr(0, url.find('?'));
  auto scheme_end = base.find("://");
  for (size_t i = 0; i < scheme_end; ++i)
    base[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(base[i])));
  std::string expected = base;
  const char* glue = "?";
  std::vector<std::string_view> set_by_url;
  for (auto param : query_params(url)) {
    if (key_of(param) == "pool_size" || key_of(param) == "statement_timeout")
      continue;
    expected.append(glue).append(param);
    glue = "&";
    set_by_url.push_back(key_of(param));
  }
  for (std::string_view d : {"connect_timeout=5", "keepalives=1", "keepalives_idle=5",
                             "keepalives_interval=2", "keepalives_count=3",
                             "tcp_user_timeout=10000"}) {
    if (std::find(set_by_url.begin(), set_by_url.end(), key_of(d)) != set_by_url.end())
      continue;
    expected.append(glue).append(d);
    glue = "&";
  }
  if (std::find(set_by_url.begin(), set_by_url.end(), "options") == set_by_url.end())
    expected.append(glue).append("options=-c%20statement_timeout%3D").append(
      std::to_string(s.statement_timeout_ms));
  FUZZ_CHECK(s.conninfo == expected, "conninfo is the URL with our defaults");
}

// The last value the URL gives `key`, as a number, or `fallback`. Called only on URLs that
// parse_url accepted, whose values of these keys are plain digits.
size_t last_number(const std::string& url, std::string_view key, size_t fallback) {
  for (auto param : query_params(url))
    if (key_of(param) == key)
      fallback = std::stoull(std::string{param.substr(key.size() + 1)});
  return fallback;
}

void check_secrets(const std::string& url, const pg_settings& s) {
  for (const auto& secret : s.secrets)
    FUZZ_CHECK(!secret.empty(), "no empty secret");
  for (auto param : query_params(url))
    if (key_of(param) == "password" && param.size() > 9)
      FUZZ_CHECK(is_secret(s, param.substr(9)), "a password= parameter is a secret");
  // The user info: between "://" and the last '@' before the path.
  auto base = std::string_view{url}.substr(0, url.find('?'));
  auto start = base.find("://") + 3;
  auto end = std::min(base.find('/', start), base.size());
  auto at = base.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start)
    return;
  auto user_info = base.substr(start, at - start);
  auto colon = user_info.find(':');
  if (colon != std::string_view::npos && colon + 1 < user_info.size())
    FUZZ_CHECK(is_secret(s, user_info.substr(colon + 1)), "the user info's password is secret");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string url{reinterpret_cast<const char*>(data), size};
  pg_settings s;
  try {
    s = parse_url(url, default_pool_size, default_statement_timeout_ms);
  } catch (const store_error&) {
    return 0;
  }
  FUZZ_CHECK(url.substr(0, url.find('?')).find("://") != std::string::npos,
             "a URL has a scheme before its query");
  FUZZ_CHECK(s.pool_size >= 1 && s.pool_size <= 100, "pool size within 1..100");
  FUZZ_CHECK(s.statement_timeout_ms >= 100 && s.statement_timeout_ms <= 3'600'000,
             "statement timeout within 100..3600000 ms");
  FUZZ_CHECK(s.pool_size == last_number(url, "pool_size", default_pool_size),
             "the URL's last pool_size, or the default");
  FUZZ_CHECK(s.statement_timeout_ms
               == last_number(url, "statement_timeout", default_statement_timeout_ms),
             "the URL's last statement_timeout, or the default");
  check_conninfo(url, s);
  check_secrets(url, s);
  return 0;
}
