#include "persistence/pg_rows.hpp"

#include <cstdint>

namespace runcast::persistence::detail {

// -- fields ----------------------------------------------------------------------------------

std::string text_of(const pqxx::field& f) {
  return std::string(f.c_str(), f.size());
}

std::optional<std::string> optional_text_of(const pqxx::field& f) {
  if (f.is_null())
    return std::nullopt;
  return text_of(f);
}

// -- records ---------------------------------------------------------------------------------

run_record read_run(const pqxx::row& row) {
  run_record run;
  run.run_id = text_of(row[0]);
  run.session_id = text_of(row[1]);
  run.user_id = text_of(row[2]);
  run.kind = text_of(row[3]);
  run.component_id = text_of(row[4]);
  run.owner_node = text_of(row[5]);
  run.input = text_of(row[6]);
  run.params_json = text_of(row[7]);
  auto status_name = text_of(row[8]);
  auto status = parse_run_status(status_name);
  if (!status)
    throw std::runtime_error("run '" + run.run_id + "' has unknown status '" + status_name
                             + "'");
  run.status = *status;
  run.content = optional_text_of(row[9]);
  run.error = optional_text_of(row[10]);
  run.created_at = number_of<double>(row[11]);
  run.updated_at = number_of<double>(row[12]);
  run.parent_run_id = text_of(row[13]);
  return run;
}

std::vector<run_record> read_runs(const pqxx::result& rows) {
  std::vector<run_record> runs;
  runs.reserve(rows.size());
  for (const auto& row : rows)
    runs.push_back(read_run(row));
  return runs;
}

session_record read_session(const pqxx::row& row) {
  session_record session;
  session.session_id = text_of(row[0]);
  session.user_id = text_of(row[1]);
  session.kind = text_of(row[2]);
  session.component_id = text_of(row[3]);
  session.created_at = number_of<double>(row[4]);
  session.updated_at = number_of<double>(row[5]);
  session.run_count = number_of<int64_t>(row[6]);
  return session;
}

} // namespace runcast::persistence::detail
