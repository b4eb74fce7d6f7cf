#pragma once

#include "actors/run_actor.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include <map>
#include <set>
#include <string>

namespace runcast::actors {

struct run_manager_state;

/// Starts runs and knows the event logs this node holds in memory.
///
/// Protocol:
/// - `(start_atom, run_spec)` → `[bool]` once the run is persisted (PENDING) and started;
///   a store failure answers the error and starts nothing;
/// - `(lookup_atom, std::string run_id)` → `[caf::actor]`: the run's event log, or an
///   invalid handle when it is not in memory (expired or never here);
/// - `(cancel_atom, std::string run_id)` → `[cancel_result]`;
/// - `(stats_atom)` → `[int64_t logs_in_memory, int64_t live_runs]`;
/// - `(shutdown_atom)` → `[bool]` once every live run has ended (ERROR, "interrupted") and
///   every event log has persisted and quit.
caf::behavior run_manager(caf::stateful_actor<run_manager_state>* self, limits lim,
                          caf::actor store, io_executor io);

/// State of the run manager.
struct run_manager_state {
  /// A run this node holds: its log (until retention ends) and its actor (while it runs).
  struct entry {
    caf::actor log;
    run_actor_type run;
  };

  limits lim;
  caf::actor store;
  io_executor io; ///< async runnables' executor (runtime-owned)
  std::map<std::string, entry> runs;
  std::map<caf::actor_addr, std::string> by_log;
  std::map<caf::actor_addr, std::string> by_run;
  std::set<caf::actor_addr> ended_logs; ///< failed logs whose exit message is still due
  bool shutting_down = false;
  caf::response_promise shutdown_done;

  static inline const char* name = "runcast.run_manager";
};

} // namespace runcast::actors
