#pragma once

#include "core/event.hpp"
#include "core/run_record.hpp"
#include "core/run_status.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::persistence {

/// An event to store, seen where its bytes already are (an event log's frame, or a
/// stored_event): nothing is copied, and the bytes must outlive the write.
struct event_row {
  std::string_view run_id;
  int64_t index = 0;
  std::string_view type;
  std::string_view data;
  double created_at = 0;
};

/// Rows viewing `events` (which must outlive them).
inline std::vector<event_row> rows_of(const std::vector<stored_event>& events) {
  std::vector<event_row> rows;
  rows.reserve(events.size());
  for (const auto& e : events)
    rows.push_back({e.run_id, e.index, e.type, e.data, e.created_at});
  return rows;
}

/// A run's move to a status: store::update_run_status's arguments as a value.
struct status_change {
  std::string run_id;
  run_status status = run_status::running;
  std::optional<std::string> content; ///< written when given, else the stored one stays
  std::optional<std::string> error;   ///< likewise
  double updated_at = 0;
};

/// Writes of many runs committed in one transaction (the store worker's group commit):
/// the runs are created first, then the events appended, then the statuses changed, each
/// list in its order. A run's writes reach the store worker in that order anyway (a run is
/// created before it emits; an event log writes its status only once its events are in),
/// so putting them in these three lists keeps every run's order.
struct write_group {
  std::vector<run_record> runs;
  std::vector<event_row> events; ///< their bytes must outlive the write
  std::vector<status_change> statuses;

  bool empty() const noexcept {
    return runs.empty() && events.empty() && statuses.empty();
  }
};

} // namespace runcast::persistence
