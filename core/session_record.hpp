#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runcast {

/// A session: the runs that share a session_id. Created by the first run that names it.
struct session_record {
  std::string session_id;
  std::string user_id;      ///< of the run that created it
  std::string kind;         ///< of the run that created it
  std::string component_id; ///< of the run that created it
  double created_at = 0;
  double updated_at = 0;    ///< last time a run was added to it
  int64_t run_count = 0;
};

/// Filter, order and page for listing sessions.
struct session_filter {
  std::optional<std::string> kind;
  std::optional<std::string> component_id;
  std::optional<std::string> user_id;
  size_t limit = 20;                    ///< page size, >= 1
  size_t page = 1;                      ///< 1-based
  std::string sort_by = "created_at";   ///< "created_at" or "updated_at"
  bool descending = true;               ///< ties broken by session_id in the same direction
};

/// One page of sessions and how many match in all.
struct session_page {
  std::vector<session_record> sessions;
  int64_t total_count = 0;
};

} // namespace runcast
