#pragma once

// The smallest valid rows for store tests that need runs and events but test neither's
// contents (the store suite has richer samples: store_suite_helpers.hpp).

#include "core/event.hpp"
#include "core/run_record.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace runcast::test {

/// A run of echo in session "session-1", created at `created_at`.
inline run_record minimal_run(const std::string& run_id, double created_at = 1700000000.0) {
  run_record run;
  run.run_id = run_id;
  run.session_id = "session-1";
  run.kind = "agents";
  run.component_id = "echo";
  run.owner_node = "node-a";
  run.params_json = "{}";
  run.created_at = created_at;
  run.updated_at = created_at;
  return run;
}

/// Events [first, first + count) of a run, data `{"i":N}`.
inline std::vector<stored_event> numbered_events(const std::string& run_id, int64_t first,
                                                 int64_t count, double created_at = 1.5) {
  std::vector<stored_event> out;
  for (int64_t i = first; i < first + count; ++i)
    out.push_back({run_id, i, "RunContent", R"({"i":)" + std::to_string(i) + "}", created_at});
  return out;
}

} // namespace runcast::test
