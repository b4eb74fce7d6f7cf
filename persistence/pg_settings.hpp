#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace runcast::persistence::detail {

/// What a pg_store takes from its URL.
struct pg_settings {
  std::string conninfo;              ///< the URL as libpq gets it
  size_t pool_size = 0;
  size_t statement_timeout_ms = 0;   ///< every call's bound, server side and client side
  std::vector<std::string> secrets;  ///< password spellings to keep out of messages
};

/// Splits `pool_size` and `statement_timeout` (ms) off the URL's query, adds connect/
/// keepalive/TCP-user timeouts and the server-side statement_timeout (libpq `options`)
/// unless the URL sets its own, and notes the password (user info or `password=` parameter)
/// so messages can hide it. Throws store_error if the URL is not a postgresql:// URL or a
/// value of ours is out of range.
pg_settings parse_url(const std::string& url, size_t default_pool_size,
                      size_t default_statement_timeout_ms = 10'000);

} // namespace runcast::persistence::detail
