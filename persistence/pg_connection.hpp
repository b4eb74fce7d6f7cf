#pragma once

#include <pqxx/pqxx>

#include <string>
#include <unordered_map>

namespace runcast::persistence::detail {

/// One server connection and what it has prepared. Used by one thread at a time (the pool
/// hands it out exclusively).
struct pg_connection {
  /// Connects to `conninfo`; throws what libpqxx throws if it cannot.
  explicit pg_connection(const std::string& conninfo);

  /// The name under which `sql` is prepared on this connection, registering it on first
  /// use (libpqxx sends the PREPARE with the first execution).
  const std::string& prepared(const std::string& sql);

  pqxx::connection conn;
  // Server notices ("relation … already exists, skipping", the goodbye of a server shutting
  // down) would go to stderr; every failure that matters reaches us as an exception.
  pqxx::quiet_errorhandler quiet;
  // SQL text → statement name; list_runs and list_sessions add one per filter combination
  // (and sort), so this stays small and bounded.
  std::unordered_map<std::string, std::string> statements;
};

} // namespace runcast::persistence::detail
