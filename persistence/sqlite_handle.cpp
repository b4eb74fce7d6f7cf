#include "persistence/sqlite_handle.hpp"

#include <sqlite3.h>

namespace runcast::persistence::detail {

void sqlite_connection_deleter::operator()(sqlite3* db) const noexcept {
  // close_v2 also copes with statements still alive, but sqlite_connection destroys its
  // statements first.
  sqlite3_close_v2(db);
}

void sqlite_statement_deleter::operator()(sqlite3_stmt* stmt) const noexcept {
  sqlite3_finalize(stmt);
}

} // namespace runcast::persistence::detail
