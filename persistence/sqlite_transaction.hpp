#pragma once

#include <string_view>

struct sqlite3;

namespace runcast::persistence::detail {

/// A write transaction that rolls back unless committed.
class sqlite_transaction {
public:
  /// Begins it; throws store_error if it cannot. `operation` names it in messages and must
  /// outlive this object.
  sqlite_transaction(sqlite3* db, std::string_view operation);

  /// Rolls back unless committed.
  ~sqlite_transaction();

  sqlite_transaction(const sqlite_transaction&) = delete;
  sqlite_transaction& operator=(const sqlite_transaction&) = delete;

  /// Commits; throws store_error if it cannot (the destructor then rolls back).
  void commit();

private:
  sqlite3* db_;
  std::string_view operation_;
};

} // namespace runcast::persistence::detail
