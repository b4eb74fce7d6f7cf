#include "persistence/sqlite_rows.hpp"

#include "persistence/sqlite_statement_use.hpp"

#include <string>

namespace runcast::persistence::detail {

run_record read_run(const sqlite_statement_use& row, std::string_view operation) {
  run_record run;
  run.run_id = row.text(0);
  run.session_id = row.text(1);
  run.user_id = row.text(2);
  run.kind = row.text(3);
  run.component_id = row.text(4);
  run.owner_node = row.text(5);
  run.input = row.text(6);
  run.params_json = row.text(7);
  auto status_text = row.text(8);
  auto status = parse_run_status(status_text);
  if (!status)
    throw store_error("sqlite store: " + std::string{operation} + ": run '" + run.run_id
                      + "' has unknown status '" + status_text + "'");
  run.status = *status;
  run.content = row.optional_text(9);
  run.error = row.optional_text(10);
  run.created_at = row.real(11);
  run.updated_at = row.real(12);
  run.parent_run_id = row.text(13);
  return run;
}

session_record read_session(const sqlite_statement_use& row) {
  session_record session;
  session.session_id = row.text(0);
  session.user_id = row.text(1);
  session.kind = row.text(2);
  session.component_id = row.text(3);
  session.created_at = row.real(4);
  session.updated_at = row.real(5);
  session.run_count = row.integer(6);
  return session;
}

std::vector<run_record> read_runs(sqlite_statement_use& query, std::string_view operation) {
  std::vector<run_record> runs;
  while (query.next_row())
    runs.push_back(read_run(query, operation));
  return runs;
}

} // namespace runcast::persistence::detail
