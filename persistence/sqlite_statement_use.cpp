#include "persistence/sqlite_statement_use.hpp"

#include "persistence/sqlite_errors.hpp"

#include <sqlite3.h>

namespace runcast::persistence::detail {

// -- constructors, destructors ---------------------------------------------------------------

sqlite_statement_use::sqlite_statement_use(sqlite3* db, sqlite3_stmt* stmt,
                                           std::string_view operation)
  : db_(db), stmt_(stmt), operation_(operation) {
  // Nothing to do: the previous use left the statement reset and unbound.
}

// Reset on every exit path, exceptions included: a cached SELECT left mid-way would keep
// its read transaction open and stop WAL checkpoints from ever completing.
sqlite_statement_use::~sqlite_statement_use() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// -- binding ---------------------------------------------------------------------------------

void sqlite_statement_use::bind(int index, const std::string& text) {
  check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC,
                            SQLITE_UTF8),
        db_, operation_);
}

void sqlite_statement_use::bind_view(int index, std::string_view text) {
  check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC,
                            SQLITE_UTF8),
        db_, operation_);
}

void sqlite_statement_use::bind_blob(int index, std::string_view bytes) {
  check(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC), db_,
        operation_);
}

void sqlite_statement_use::bind(int index, const std::optional<std::string>& text) {
  if (text)
    bind(index, *text);
  else
    check(sqlite3_bind_null(stmt_, index), db_, operation_);
}

void sqlite_statement_use::bind(int index, double value) {
  check(sqlite3_bind_double(stmt_, index, value), db_, operation_);
}

void sqlite_statement_use::bind(int index, int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), db_, operation_);
}

void sqlite_statement_use::bind(int index, run_status status) {
  auto name = to_string(status);
  check(sqlite3_bind_text(stmt_, index, name.data(), static_cast<int>(name.size()),
                          SQLITE_STATIC),
        db_, operation_);
}

// -- stepping --------------------------------------------------------------------------------

bool sqlite_statement_use::next_row() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  fail(db_, operation_);
}

void sqlite_statement_use::run() {
  int rc = sqlite3_step(stmt_);
  if (rc != SQLITE_DONE)
    fail(db_, operation_);
}

int sqlite_statement_use::step_unchecked() {
  return sqlite3_step(stmt_);
}

// -- columns ---------------------------------------------------------------------------------

std::string sqlite_statement_use::text(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (p == nullptr)
    return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> sqlite_statement_use::optional_text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL)
    return std::nullopt;
  return text(column);
}

std::string_view sqlite_statement_use::blob(int column) const {
  // Bytes first, then the size: the order SQLite documents for a column read.
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  auto n = static_cast<size_t>(sqlite3_column_bytes(stmt_, column));
  return p == nullptr ? std::string_view{} : std::string_view{p, n};
}

double sqlite_statement_use::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

int64_t sqlite_statement_use::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

} // namespace runcast::persistence::detail
