#include "actors/run_recovery.hpp"

#include "core/event_json.hpp"
#include "core/event_names.hpp"
#include "core/ids.hpp"

#include <spdlog/spdlog.h>

namespace runcast::actors {

size_t recover_interrupted_runs(persistence::store& db, const std::string& node_id,
                                const component_registry& registry) {
  const std::string why = "interrupted: the server stopped before the run finished";
  size_t marked = 0;
  for (const auto& run : db.unfinished_runs(node_id)) {
    auto* c = registry.find(run.kind, run.component_id);
    event_context ctx{run.run_id, run.session_id, run.kind, run.component_id,
                      c != nullptr ? c->name : run.component_id};
    // The next free index, not the count: should the stored indices have a hole, a count
    // would name an index that exists and INSERT OR IGNORE would drop the error event.
    if (!run.parent_run_id.empty()) {
      // A member or step: its events are in its parent's stream, which gets the error.
      db.update_run_status(run.run_id, run_status::error, std::nullopt, why, now_seconds());
      spdlog::warn("run {} (in run {}) was {} when the server stopped: marked ERROR", run.run_id,
                   run.parent_run_id, to_string(run.status));
      ++marked;
      continue;
    }
    auto index = db.next_event_index(run.run_id);
    auto created = static_cast<int64_t>(now_seconds());
    event_draft ev{names_for_kind(run.kind).error, why};
    db.append_events({{run.run_id, index, ev.type, encode_event_data(ctx, ev, index, created),
                       static_cast<double>(created)}});
    db.update_run_status(run.run_id, run_status::error, std::nullopt, why, now_seconds());
    spdlog::warn("run {} was {} when the server stopped: marked ERROR at event index {}",
                 run.run_id, to_string(run.status), index);
    ++marked;
  }
  return marked;
}

} // namespace runcast::actors
