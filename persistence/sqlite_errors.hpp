#pragma once

#include <string_view>

struct sqlite3;

namespace runcast::persistence::detail {

/// Throws store_error "sqlite store: <operation>: <SQLite's message for db>".
[[noreturn]] void fail(sqlite3* db, std::string_view operation);

/// Calls fail() unless `rc` is SQLITE_OK.
void check(int rc, sqlite3* db, std::string_view operation);

/// Runs SQL that returns no rows we need (DDL, PRAGMAs, transaction control); throws
/// store_error with SQLite's message if it fails.
void exec(sqlite3* db, const char* sql, std::string_view operation);

} // namespace runcast::persistence::detail
