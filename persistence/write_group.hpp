#pragma once

#include "core/event.hpp"
#include "core/run_record.hpp"
#include "core/run_status.hpp"

#include <optional>
#include <string>
#include <vector>

namespace runcast::persistence {

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
  std::vector<stored_event> events;
  std::vector<status_change> statuses;

  bool empty() const noexcept {
    return runs.empty() && events.empty() && statuses.empty();
  }
};

} // namespace runcast::persistence
