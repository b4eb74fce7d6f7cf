#include "persistence/sqlite_errors.hpp"

#include "persistence/store.hpp"

#include <sqlite3.h>

#include <string>

namespace runcast::persistence::detail {

[[noreturn]] void fail(sqlite3* db, std::string_view operation) {
  throw store_error("sqlite store: " + std::string{operation} + ": " + sqlite3_errmsg(db));
}

void check(int rc, sqlite3* db, std::string_view operation) {
  if (rc != SQLITE_OK)
    fail(db, operation);
}

void exec(sqlite3* db, const char* sql, std::string_view operation) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK)
    return;
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  throw store_error("sqlite store: " + std::string{operation} + ": " + text);
}

} // namespace runcast::persistence::detail
