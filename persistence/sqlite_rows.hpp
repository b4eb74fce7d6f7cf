#pragma once

#include "persistence/store.hpp"

#include <string_view>
#include <vector>

namespace runcast::persistence::detail {

class sqlite_statement_use;

// -- columns ---------------------------------------------------------------------------------

/// The runs columns in the order read_run() reads them.
constexpr std::string_view run_columns =
  "run_id, session_id, user_id, kind, component_id, owner_node, input, params_json, status, "
  "content, error, created_at, updated_at, parent_run_id";

/// The sessions columns (table alias `s`) in the order read_session() reads them; run_count
/// is counted, not stored, so it can never drift from the runs table (runs_by_session makes
/// the count an index range scan).
constexpr std::string_view session_columns =
  "s.session_id, s.user_id, s.kind, s.component_id, s.created_at, s.updated_at,"
  " (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.session_id)";

// -- records ---------------------------------------------------------------------------------

/// Reads the current row (selected with run_columns) into a run_record; throws store_error
/// naming `operation` if its status is unknown.
run_record read_run(const sqlite_statement_use& row, std::string_view operation);

/// Reads the current row (selected with session_columns) into a session_record.
session_record read_session(const sqlite_statement_use& row);

/// Steps through every row (selected with run_columns) and reads each into a run_record.
std::vector<run_record> read_runs(sqlite_statement_use& query, std::string_view operation);

} // namespace runcast::persistence::detail
