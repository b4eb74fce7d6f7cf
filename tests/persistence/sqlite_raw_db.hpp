#pragma once

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>

namespace runcast::test {

/// A raw connection to an SQLite file, for looking at what the store wrote behind its back
/// or writing to it as another process would.
class sqlite_raw_db {
public:
  /// Opens an existing file, or creates it if `create`.
  explicit sqlite_raw_db(const std::string& path, bool create = false) {
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) == SQLITE_OK);
  }
  ~sqlite_raw_db() {
    sqlite3_close_v2(db_);
  }
  sqlite_raw_db(const sqlite_raw_db&) = delete;
  sqlite_raw_db& operator=(const sqlite_raw_db&) = delete;

  /// The first column of the first row of `sql`, as text ("" if no row or NULL).
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::string result;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr)
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    REQUIRE((rc == SQLITE_ROW || rc == SQLITE_DONE));
    return result;
  }

  void exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    INFO((error != nullptr ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
  }

private:
  sqlite3* db_ = nullptr;
};

} // namespace runcast::test
