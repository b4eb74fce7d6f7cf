#pragma once

#include "persistence/sqlite_handle.hpp"

#include <mutex>
#include <string>
#include <unordered_map>

namespace runcast::persistence::detail {

/// One SQLite connection with the mutex that serializes its use and its cache of prepared
/// statements: the store's writer and each of its readers is one.
class sqlite_connection {
public:
  // -- constructors, destructors ---------------------------------------------------------

  /// Opens `path` with `flags` (SQLITE_OPEN_*), turns on extended result codes and a busy
  /// timeout. Throws store_error naming the path if it cannot.
  sqlite_connection(const std::string& path, int flags);

  ~sqlite_connection();

  sqlite_connection(const sqlite_connection&) = delete;
  sqlite_connection& operator=(const sqlite_connection&) = delete;

  // -- access (every call below requires mutex() held) -----------------------------------

  /// The mutex a caller holds for as long as it uses the handle or a statement.
  std::mutex& mutex() {
    return mutex_;
  }

  /// The raw handle.
  sqlite3* handle() const {
    return db_.get();
  }

  /// The statement for `sql`, prepared on first use and cached for the connection's life.
  sqlite3_stmt* prepared(const std::string& sql, const char* operation);

private:
  // -- member variables ------------------------------------------------------------------

  // SQLite connections are opened NOMUTEX: this mutex serializes every use of the handle,
  // its statements and sqlite3_errmsg, so SQLite's own per-connection mutex would only add
  // cost.
  std::mutex mutex_;

  // Declared before statements_ so it is destroyed after them: statements are finalized
  // before their connection closes.
  sqlite_connection_ptr db_;

  // Prepared once per SQL text and reused (reset after each use); list_runs and
  // list_sessions add one entry per combination of filters (and, for sessions, sort key and
  // direction), so the cache stays small and bounded.
  std::unordered_map<std::string, sqlite_statement_ptr> statements_;
};

} // namespace runcast::persistence::detail
