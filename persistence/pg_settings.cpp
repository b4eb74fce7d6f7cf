#include "persistence/pg_settings.hpp"

#include "persistence/store.hpp"

#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>
#include <system_error>
#include <utility>

namespace runcast::persistence::detail {

namespace {

// The range pg_store_options documents for pool_size.
constexpr size_t max_pool_size = 100;

/// `text` percent-decoded by Boost.URL; as it is when it is not valid percent-encoding
/// (libpq then sees it raw too).
std::string percent_decoded(std::string_view text) {
  // An owned, NUL-terminated copy: Debian's libboost_url 1.81 may read past a view's end.
  const std::string owned{text};
  auto pct = boost::urls::make_pct_string_view(owned);
  if (!pct)
    return owned;
  return pct->decode();
}

void add_secret(std::vector<std::string>& secrets, std::string_view secret) {
  if (secret.empty())
    return;
  secrets.emplace_back(secret);
  auto decoded = percent_decoded(secret);
  if (decoded != secret)
    secrets.push_back(std::move(decoded));
}

} // namespace

pg_settings parse_url(const std::string& url, size_t default_pool_size,
                      size_t default_statement_timeout_ms) {
  pg_settings settings;
  settings.pool_size = default_pool_size;
  const auto query_start = url.find('?');
  std::string base = url.substr(0, query_start);
  // Looked for before the query only: a "://" inside it ("postgresql:h?x://y") is no scheme,
  // and the loop below must not run past `base`.
  const auto scheme_end = base.find("://");
  if (scheme_end == std::string::npos)
    throw store_error("pg store: open: expected a postgresql://user@host:port/db URL");
  // Schemes are case-insensitive (open_store routes `PostgreSQL://` here); libpq only
  // recognizes the lower-case spellings.
  for (size_t i = 0; i < scheme_end; ++i)
    base[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(base[i])));

  const auto authority_start = scheme_end + 3;
  const auto authority_end = std::min(base.find('/', authority_start), base.size());
  const auto at = base.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority_start) {
    std::string_view user_info{base.data() + authority_start, at - authority_start};
    if (auto colon = user_info.find(':'); colon != std::string_view::npos)
      add_secret(settings.secrets, user_info.substr(colon + 1));
  }

  std::vector<std::string> kept;
  bool user_options = false;
  // Bounds libpq does not set by itself: a connect waits as long as the kernel does
  // (minutes), and a call on a server that hangs (SIGSTOP, partition) never returns. With
  // these a store call fails in bounded time; the caller retries. The URL may override each.
  std::vector<std::pair<std::string_view, std::string_view>> defaults{
    {"connect_timeout", "5"},   {"keepalives", "1"},        {"keepalives_idle", "5"},
    {"keepalives_interval", "2"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "10000"}};
  if (query_start != std::string::npos) {
    std::string_view query{url};
    query.remove_prefix(query_start + 1);
    while (!query.empty()) {
      auto amp = query.find('&');
      auto param = query.substr(0, amp);
      query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
      if (param.empty())
        continue;
      auto eq = param.find('=');
      auto key = param.substr(0, eq);
      auto value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
      if (key == "statement_timeout") {
        size_t ms = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
        if (ec != std::errc{} || end != value.data() + value.size() || ms < 100
            || ms > 3'600'000)
          throw store_error("pg store: open: statement_timeout must be a whole number of "
                            "milliseconds from 100 to 3600000");
        settings.statement_timeout_ms = ms;
        continue;
      }
      if (key == "pool_size") {
        size_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || end != value.data() + value.size() || n < 1
            || n > max_pool_size)
          throw store_error("pg store: open: pool_size must be a whole number from 1 to "
                            + std::to_string(max_pool_size));
        settings.pool_size = n;
        continue;
      }
      defaults.erase(std::remove_if(defaults.begin(), defaults.end(),
                                    [&](const auto& d) { return d.first == key; }),
                     defaults.end());
      if (key == "password")
        add_secret(settings.secrets, value);
      if (key == "options")
        user_options = true;
      kept.emplace_back(param);
    }
  }
  for (const auto& [key, value] : defaults)
    kept.push_back(std::string{key} + "=" + std::string{value});
  if (settings.statement_timeout_ms == 0)
    settings.statement_timeout_ms = default_statement_timeout_ms;
  // The server ends a slow statement itself (a URL's own `options` replace this); a server
  // that does not run at all is pg_watchdog's.
  if (!user_options)
    kept.push_back("options=-c%20statement_timeout%3D"
                   + std::to_string(settings.statement_timeout_ms));

  settings.conninfo = std::move(base);
  const char* glue = "?";
  for (const auto& param : kept) {
    settings.conninfo += glue;
    settings.conninfo += param;
    glue = "&";
  }
  if (settings.pool_size < 1 || settings.pool_size > max_pool_size)
    throw store_error("pg store: open: pool_size must be from 1 to "
                      + std::to_string(max_pool_size));
  return settings;
}

} // namespace runcast::persistence::detail
