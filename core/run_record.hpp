#pragma once

#include "core/run_status.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace runcast {

/// A run as persisted.
struct run_record {
  std::string run_id;
  std::string parent_run_id;  ///< the team or workflow run this is a member or step of; or empty
  std::string session_id;
  std::string user_id;        ///< empty if none was given
  std::string kind;           ///< "agents", "teams", "workflows"
  std::string component_id;
  std::string owner_node;     ///< node that started the run and owns its event log
  std::string input;          ///< the run's message
  std::string params_json;    ///< extra form fields, a JSON object
  run_status status = run_status::pending;
  std::optional<std::string> content; ///< final output, once completed
  std::optional<std::string> error;   ///< error message, once failed
  double created_at = 0;
  double updated_at = 0;
};

/// Who a run is, without its input, parameters or output (a prompt may be a megabyte):
/// what is kept of a run for as long as it is followed or listed.
inline run_record identity_of(const run_record& run) {
  run_record id;
  id.run_id = run.run_id;
  id.parent_run_id = run.parent_run_id;
  id.session_id = run.session_id;
  id.user_id = run.user_id;
  id.kind = run.kind;
  id.component_id = run.component_id;
  id.owner_node = run.owner_node;
  id.status = run.status;
  id.created_at = run.created_at;
  id.updated_at = run.updated_at;
  return id;
}

/// Filter for listing runs.
struct run_filter {
  std::optional<std::string> session_id;
  std::optional<std::string> user_id;   ///< "" matches runs without a user
  std::optional<std::string> kind;
  std::optional<std::string> component_id;
  std::optional<run_status> status;
  bool top_level_only = false; ///< leave out the members and steps of teams and workflows
  size_t limit = 100;
  size_t offset = 0;
};

} // namespace runcast
