#pragma once

#include <string_view>

struct sqlite3;

namespace runcast::persistence::detail {

/// A read transaction: every query inside it sees one snapshot of the database.
class sqlite_read_transaction {
public:
  /// Begins it; throws store_error if it cannot.
  sqlite_read_transaction(sqlite3* db, std::string_view operation);

  /// Ends it by rolling back.
  ~sqlite_read_transaction();

  sqlite_read_transaction(const sqlite_read_transaction&) = delete;
  sqlite_read_transaction& operator=(const sqlite_read_transaction&) = delete;

private:
  sqlite3* db_;
};

} // namespace runcast::persistence::detail
