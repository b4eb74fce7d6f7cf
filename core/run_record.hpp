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
