#pragma once

#include <memory>

// Declared here so users of this header do not need sqlite3.h (SQLite is a private dependency).
struct sqlite3;
struct sqlite3_stmt;

namespace runcast::persistence::detail {

// The deleters are defined in sqlite_handle.cpp, so this header needs only the declarations
// above.

/// Closes a connection.
struct sqlite_connection_deleter {
  void operator()(sqlite3* db) const noexcept;
};

/// Finalizes a prepared statement.
struct sqlite_statement_deleter {
  void operator()(sqlite3_stmt* stmt) const noexcept;
};

/// An open connection, closed when the pointer goes.
using sqlite_connection_ptr = std::unique_ptr<sqlite3, sqlite_connection_deleter>;

/// A prepared statement, finalized when the pointer goes.
using sqlite_statement_ptr = std::unique_ptr<sqlite3_stmt, sqlite_statement_deleter>;

} // namespace runcast::persistence::detail
