#pragma once

#include "actors/event_log_actor.hpp"
#include "actors/run_context.hpp"
#include "actors/runnable_actor.hpp"
#include "actors/step_pacer.hpp"
#include "actors/store_actor.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace runcast::actors {

class run_context_impl;

/// A run actor's interface: the sink its runnable actor talks to, plus what the run manager
/// and a run context send it. `(cancel_atom)` ends the run CANCELLED (cooperative: between
/// steps for a step function; at once for a producer or actor, which are told);
/// `(shutdown_atom)` ends it ERROR ("interrupted: server shutting down"); `(step_atom)` is
/// its own timer; `(drain_atom)` says a run context has events or an outcome waiting. From
/// its event log: `(pause_atom, bool)` stops or restarts production (backpressure: a step
/// function takes no step, a producer's events wait in its context, whose `emit` refuses
/// past `limits::max_pending_emits`); `(fail_atom, why)` ends the run ERROR;
/// `(credit_atom, n)` acknowledges `n` published batches — a run has at most
/// `max_unacked_batches` in its log's mailbox, so a pause takes effect within them. From
/// the run manager: `(pacer_atom, pacer)` says the node's step pacer was replaced (the one
/// the run used stopped): a wait the old one held is asked of `pacer` again — or of a CAF
/// timer of the run's own when `pacer` is invalid (no new pacer) — and the run's children
/// are told. An actor runnable's publishes are forwarded as they come: it is not held back
/// (yet).
using run_actor = run_sink_actor::extend<caf::reacts_to<cancel_atom>,
                                         caf::reacts_to<shutdown_atom>,
                                         caf::reacts_to<step_atom>,
                                         caf::reacts_to<drain_atom>,
                                         caf::reacts_to<child_atom, child_start>,
                                         caf::reacts_to<pause_atom, bool>,
                                         caf::reacts_to<fail_atom, std::string>,
                                         caf::reacts_to<credit_atom, uint64_t>,
                                         caf::reacts_to<pacer_atom, caf::actor>>;

/// Batches a run actor publishes before it waits for its log to take them.
constexpr size_t max_unacked_batches = 2;

/// Where a run actor's events and statuses go: its run's event log, or — for a child run —
/// the parent's child handler.
using run_events_actor = caf::typed_actor<caf::reacts_to<publish_atom, draft_batch>,
                                          caf::reacts_to<status_atom, run_outcome>>;

/// What a run actor needs besides its runnable: the runtime's executor for async runnables,
/// how to build child runs and where their records go, and the limits.
struct run_environment {
  io_executor io;
  child_factory children;
  history_reader history;
  limits lim;
  std::string node_id = {}; ///< this node: the owner of the child runs it records
  store_actor records = {};  ///< where child runs are recorded; none: they are not
  step_pacer_actor pacer = {}; ///< wakes step runnables after their waits; none: CAF timers
  bool child = false;        ///< a child run: its events target is the parent's handler
};

/// State of a run actor.
struct run_actor_state {
  run_events_actor log;
  run_environment env;
  std::vector<run_actor> children; ///< child runs started, cancelled when this run ends
  size_t next_child = 0;
  std::shared_ptr<runnable> body;
  run_info info;
  std::shared_ptr<run_context_impl> context; ///< for an async_runnable
  runnable_actor worker;                     ///< for an actor_runnable
  bool ended = false;
  bool running_sent = false; ///< the RUNNING status went to the log (after the first events)
  bool paused = false;     ///< the log asked for a pause (backpressure)
  size_t unacked = 0;      ///< batches published, not yet acknowledged by the log
  bool step_due = false;   ///< a step was held back by the pause
  /// When the wait given to the pacer ends, until its step comes (asked again of a new
  /// pacer should that one stop meanwhile).
  std::optional<caf::actor_clock::time_point> paced_until;
  bool drain_due = false;  ///< a drain was held back by the pause

  /// However the actor ends — also by an exception in a handler — its runnable is told
  /// (context closed), its children are cancelled, and a child run that did not finish
  /// reports an error to its parent's handler (a top-level run's log notices by itself).
  ~run_actor_state();

  static inline const char* name = "runcast.run";
};

/// Drives one run of any runnable shape (actors/runnable.hpp): announces RUNNING and the
/// kind's started event, publishes what the runnable emits to the run's event log in
/// batches, then the kind's final event and status. Steps without a delay are coalesced
/// into one batch (up to a bound) so fast step functions are not one message per event.
run_actor::behavior_type drive_run(run_actor::stateful_pointer<run_actor_state> self,
                                   run_events_actor log, std::shared_ptr<runnable> body,
                                   run_info info, run_environment env);

/// State of a child run's events target.
struct child_events_state {
  child_handler handler;
  persistence::run_record record;    ///< the child's record, while it is recorded
  store_actor records;               ///< where its final status goes; none: not recorded
  std::deque<event_draft> held;      ///< refused by the handler, offered again
  std::optional<run_outcome> end;    ///< the child's end, handed on after `held`
  caf::strong_actor_ptr run;         ///< the child run actor
  uint64_t owed = 0;                 ///< its batches not yet acknowledged (all taken)
  bool retry_due = false;

  static inline const char* name = "runcast.child_events";
};

/// The events target of a child run: hands each event and the end to `handler`, then quits.
/// A batch the handler refuses is held, and the child run gets no credit for it (so it
/// publishes at most `max_unacked_batches` more) until the handler took all of it. With a
/// store (`records`), the child's `record` is created there at once and its final status
/// written at its end, so a team's member or a workflow's step can be polled like any run
/// (its events are in the parent's stream, not in a log of its own).
run_events_actor::behavior_type
child_events(run_events_actor::stateful_pointer<child_events_state> self, child_handler handler,
             persistence::run_record record, store_actor records);

} // namespace runcast::actors
