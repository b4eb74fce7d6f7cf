#include "persistence/sqlite_transaction.hpp"

#include "persistence/sqlite_errors.hpp"

#include <sqlite3.h>

namespace runcast::persistence::detail {

// IMMEDIATE takes the write lock up front, so a competing writer (another process on the
// same file) is waited for by busy_timeout here instead of failing with SQLITE_BUSY when a
// read transaction tries to upgrade halfway through.
sqlite_transaction::sqlite_transaction(sqlite3* db, std::string_view operation)
  : db_(db), operation_(operation) {
  exec(db_, "BEGIN IMMEDIATE", operation_);
}

sqlite_transaction::~sqlite_transaction() {
  // A failed COMMIT may or may not have ended the transaction; ask instead of guessing.
  if (sqlite3_get_autocommit(db_) == 0)
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void sqlite_transaction::commit() {
  exec(db_, "COMMIT", operation_);
}

} // namespace runcast::persistence::detail
