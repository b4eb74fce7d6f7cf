#pragma once

#include "persistence/store.hpp"

#include <pqxx/pqxx>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace runcast::persistence::detail {

// -- columns ---------------------------------------------------------------------------------

/// The runs columns in the order read_run() reads them.
constexpr std::string_view run_columns =
  "run_id, session_id, user_id, kind, component_id, owner_node, input, params_json, status, "
  "content, error, created_at, updated_at, parent_run_id";

/// The sessions columns (table alias `s`) in the order read_session() reads them; run_count
/// is counted, not stored (runs_by_session makes the count an index range scan).
constexpr std::string_view session_columns =
  "s.session_id, s.user_id, s.kind, s.component_id, s.created_at, s.updated_at,"
  " (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.session_id)";

// -- fields ----------------------------------------------------------------------------------

/// A text column's bytes.
std::string text_of(const pqxx::field& f);

/// A nullable text column.
std::optional<std::string> optional_text_of(const pqxx::field& f);

/// Parses a number column without locale or stream state; PostgreSQL prints float8 in the
/// shortest exact form, so a double survives the round trip bit for bit.
template <class T>
T number_of(const pqxx::field& f) {
  T value{};
  const char* begin = f.c_str();
  const char* end = begin + f.size();
  auto result = std::from_chars(begin, end, value);
  if (result.ec != std::errc{} || result.ptr != end)
    throw std::runtime_error("unexpected number '" + text_of(f) + "' in column "
                             + std::to_string(f.num()));
  return value;
}

// -- records ---------------------------------------------------------------------------------

/// Reads a row selected with run_columns; throws if its status is unknown.
run_record read_run(const pqxx::row& row);

/// Reads every row of a result selected with run_columns.
std::vector<run_record> read_runs(const pqxx::result& rows);

/// Reads a row selected with session_columns.
session_record read_session(const pqxx::row& row);

} // namespace runcast::persistence::detail
