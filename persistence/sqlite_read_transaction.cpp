#include "persistence/sqlite_read_transaction.hpp"

#include "persistence/sqlite_errors.hpp"

#include <sqlite3.h>

namespace runcast::persistence::detail {

// Plain (deferred) BEGIN takes no write lock; the snapshot starts at the first read, and
// WAL keeps it stable while other connections commit.
sqlite_read_transaction::sqlite_read_transaction(sqlite3* db, std::string_view operation)
  : db_(db) {
  exec(db_, "BEGIN", operation);
}

// Nothing was written, so ending by rollback loses nothing and cannot fail meaningfully.
sqlite_read_transaction::~sqlite_read_transaction() {
  if (sqlite3_get_autocommit(db_) == 0)
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

} // namespace runcast::persistence::detail
