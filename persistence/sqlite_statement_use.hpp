#pragma once

#include "core/run_status.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace runcast::persistence::detail {

/// One use of a cached prepared statement: bind, step, read columns. Leaves the statement
/// reset and unbound for its next use.
class sqlite_statement_use {
public:
  // -- constructors, destructors ---------------------------------------------------------

  /// Uses `stmt`, a statement of `db`; `operation` names the use in messages and must
  /// outlive this object.
  sqlite_statement_use(sqlite3* db, sqlite3_stmt* stmt, std::string_view operation);

  /// Resets the statement and clears its bindings.
  ~sqlite_statement_use();

  sqlite_statement_use(const sqlite_statement_use&) = delete;
  sqlite_statement_use& operator=(const sqlite_statement_use&) = delete;

  // -- binding ---------------------------------------------------------------------------

  // Text is bound without copying (SQLITE_STATIC), so it must outlive this use; the rvalue
  // overloads are deleted to make binding a temporary a compile error.

  /// Binds text (1-based parameter index).
  void bind(int index, const std::string& text);
  void bind(int index, std::string&&) = delete;

  /// Binds text that lives elsewhere (an event's frame): it must outlive this use.
  void bind_view(int index, std::string_view text);

  /// Binds bytes that live elsewhere as a BLOB: they must outlive this use.
  void bind_blob(int index, std::string_view bytes);
  /// Binds text, or NULL if there is none.
  void bind(int index, const std::optional<std::string>& text);
  void bind(int index, std::optional<std::string>&&) = delete;

  /// Binds a real.
  void bind(int index, double value);

  /// Binds an integer.
  void bind(int index, int64_t value);

  /// Binds a status by its upper-case name (static storage, so no copy is needed).
  void bind(int index, run_status status);

  // -- stepping --------------------------------------------------------------------------

  /// Steps once; true if a row is available, throws on error.
  bool next_row();

  /// Runs a statement that returns no rows.
  void run();

  /// Steps once and returns the (extended) result code for the caller to interpret.
  int step_unchecked();

  // -- columns of the current row (0-based) ----------------------------------------------

  /// A text column; NULL reads as empty.
  std::string text(int column) const;

  /// A nullable text column.
  std::optional<std::string> optional_text(int column) const;

  /// A BLOB column's bytes, valid until the next step or the end of this use.
  std::string_view blob(int column) const;
  /// A real column.
  double real(int column) const;

  /// An integer column.
  int64_t integer(int column) const;

private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string_view operation_;
};

} // namespace runcast::persistence::detail
