#include "persistence/sqlite_connection.hpp"

#include "persistence/sqlite_errors.hpp"
#include "persistence/store.hpp"

#include <sqlite3.h>

#include <utility>

namespace runcast::persistence::detail {

// -- constructors, destructors ---------------------------------------------------------------

sqlite_connection::sqlite_connection(const std::string& path, int flags) {
  const std::string operation = "open '" + path + "'";
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // The handle is allocated even when opening fails; own it first so it is always closed.
  db_.reset(raw);
  if (raw == nullptr)
    throw store_error("sqlite store: " + operation + ": out of memory");
  if (rc != SQLITE_OK)
    fail(raw, operation);
  // Extended codes let create_run tell a duplicate primary key from other failures.
  sqlite3_extended_result_codes(raw, 1);
  // Another connection (a second store on the file, another process) may hold the write
  // lock briefly, and even a WAL reader can meet a short lock while the WAL is reset or
  // recovered: wait for it rather than failing at once.
  check(sqlite3_busy_timeout(raw, 5000), raw, "configure busy_timeout");
}

sqlite_connection::~sqlite_connection() = default;

// -- access ----------------------------------------------------------------------------------

sqlite3_stmt* sqlite_connection::prepared(const std::string& sql, const char* operation) {
  if (auto i = statements_.find(sql); i != statements_.end())
    return i->second.get();
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size() + 1),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  sqlite_statement_ptr stmt{raw};
  check(rc, db_.get(), operation);
  return statements_.emplace(sql, std::move(stmt)).first->second.get();
}

} // namespace runcast::persistence::detail
