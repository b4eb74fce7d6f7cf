#pragma once

#include "actors/run_actor.hpp"
#include "actors/run_manager_actor.hpp"
#include "actors/log_services.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include <caf/actor_clock.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

namespace runcast::actors {

struct run_manager_state;

/// How often the node's step pacer is replaced should it stop: at most `max_pacer_restarts`
/// within `pacer_restart_window`. A pacer that stops more often than that has a fault a new
/// one would repeat (each replacement tells every live run); from then on runs wait on CAF
/// timers of their own, as they do on a node without a pacer: slower, never stuck.
constexpr size_t max_pacer_restarts = 3;
constexpr std::chrono::minutes pacer_restart_window{1};

/// Starts runs and knows the event logs this node holds in memory (protocol:
/// run_manager_actor.hpp). Runs get their event log (linked, so stopping the manager stops
/// them; monitored, to forget a log once its retention ends) and their run actor.
/// `env` is what every run actor gets (its limits are the manager's; its `records` is set to
/// the store's writer here).
run_manager_actor::behavior_type run_manager(
  run_manager_actor::stateful_pointer<run_manager_state> self, log_services services,
  run_environment env);

/// State of the run manager.
struct run_manager_state {
  /// A run this node holds: its log (until retention ends) and its actor (while it runs).
  struct entry {
    event_log_actor log;
    run_actor run;
  };

  limits lim;
  log_services services;  ///< the store's writer, a reader and the node's memory bounds
  run_environment env;    ///< what every run actor gets (runtime-owned executor, registries)
  // Hashed, not ordered: a node holds every retained run (tens of thousands under a burst
  // of starts), and each start and end touched these maps ~10 times; as trees, comparing
  // run ids and actor addresses along their paths was ~2 % of a start's CPU. Nothing
  // needs their order. (std::hash<caf::actor_addr> is the actor's id: all are local.)
  std::unordered_map<std::string, entry> runs;
  std::unordered_map<caf::actor_addr, std::string> by_log;
  std::unordered_map<caf::actor_addr, std::string> by_run;
  /// The logs to stop should the manager stop abnormally; shared with the function
  /// attached for that, which runs after the state is gone.
  std::shared_ptr<std::unordered_map<caf::actor_addr, caf::actor>> held_logs =
    std::make_shared<std::unordered_map<caf::actor_addr, caf::actor>>();
  /// The step pacer the manager started in place of one that stopped (stopped with the
  /// manager, however it stops: shared with the function attached for that), and when the
  /// last `max_pacer_restarts` replacements were.
  std::shared_ptr<caf::actor> own_pacer = std::make_shared<caf::actor>();
  std::deque<caf::actor_clock::time_point> pacer_restarts;
  size_t live = 0;     ///< runs running (their actor alive)
  size_t starting = 0; ///< starts waiting for the store to take their run
  bool draining = false;      ///< no new runs; live ones go on
  bool shutting_down = false; ///< draining, and live runs get the grace period
  bool ending = false;        ///< the grace is over: every run ends, logs quit once persisted
  bool sweep_scheduled = false; ///< a `tick` is on its way (finished logs' retention)
  caf::typed_response_promise<bool> shutdown_done;

  static inline const char* name = "runcast.run_manager";
};

} // namespace runcast::actors
