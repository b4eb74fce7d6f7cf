#pragma once

#include "actors/protocol.hpp"
#include "actors/runnable_registry.hpp"
#include "runnables/builtins.hpp"
#include "cluster/cluster_options.hpp"
#include "core/component_registry.hpp"
#include "core/errc.hpp"
#include "core/event.hpp"
#include "core/frame_sink.hpp"
#include "core/limits.hpp"
#include "core/node_metrics.hpp"
#include "core/run_record.hpp"
#include "core/session_record.hpp"
#include "runtime/access.hpp"
#include "runtime/single_flight.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace caf {
class actor_system;
class actor_system_config;
} // namespace caf

namespace runcast::persistence {
class store;
} // namespace runcast::persistence

namespace runcast::runtime {

class io_pool;
class store_pool;

/// Options of the runtime.
struct engine_options {
  limits lim;
  std::string node_id = "n1";    ///< owner recorded on every run this node starts
  size_t worker_threads = 0;     ///< CAF scheduler workers; 0 = one per core (at least 2)
  bool recover = true;           ///< mark this node's unfinished runs ERROR at start
  cluster::cluster_options cluster;
};

/// Prepares an actor system config for the runtime: CAF's middleman with heartbeats when
/// `opts.cluster.port` is set, and `opts.worker_threads` scheduler workers (0: one per core,
/// at least 2). The engine does this to the system it owns; an embedder calls it on theirs.
void configure_actor_system(caf::actor_system_config& cfg, const engine_options& opts);

/// What starting a run takes; the runtime builds and persists the run record.
struct run_request {
  std::string kind;         ///< "agents", "teams" or "workflows"
  std::string component_id;
  std::string message;      ///< the run's input; required
  std::string session_id;   ///< empty: a new session (a UUID)
  std::string user_id;      ///< optional
  nlohmann::json params = nlohmann::json::object(); ///< reach the runnable
};

/// A run as addressed by a client: its component and its id. An empty kind matches any
/// run with that id (an embedder names runs by id alone).
struct run_ref {
  std::string kind;
  std::string component_id;
  std::string run_id;
};

/// Whether `who` may see `run` when it is named as `ref` (a kind and component, when given,
/// must be the run's): the one rule for a stored record and a run held in memory.
bool may_see(const run_record& run, const run_ref& ref, const access& who);

/// A run whose event log this node holds (engine::find_held_run).
struct held_run {
  run_record run;     ///< its identity_of(); status pending until the run is over
  int64_t stored = 0; ///< once over: the events in the store (one past the last index)
};

/// Which runs of a component to list, for whom.
struct run_query {
  std::string kind;
  std::string component_id;
  access who;                       ///< no session: nothing is listed
  std::optional<run_status> status;
  size_t limit = 100;
  size_t offset = 0;
};

/// Figures for /metrics.
struct runtime_stats {
  int64_t event_logs = 0;        ///< runs held in memory (live or within retention)
  int64_t live_runs = 0;         ///< runs still executing
  int64_t unpersisted_bytes = 0; ///< published, not yet in the store (all runs)
  size_t finished_logs = 0;      ///< finished runs' logs kept for resumes
  size_t finished_bytes = 0;     ///< ...their bytes
  uint64_t evictions = 0;        ///< finished logs evicted by the node's bounds
  uint64_t producer_pauses = 0;  ///< producers paused for unpersisted bytes
  uint64_t store_failures = 0;   ///< runs failed because the store took no write in time
};

/// What /health reports.
struct health_info {
  std::string node_id;
  std::vector<std::string> peers; ///< live cluster members
  bool draining = false;          ///< drained or shutting down: takes no new runs
};

/// The runtime's plain C++ face, and its composition root: it owns the actor system, the
/// store actor, the run manager and the cluster hookup (gateway, membership, locator). HTTP
/// and embedding programs use this class only; none of it needs CAF's headers.
///
/// Every asynchronous call answers exactly once through its callback, on a runtime thread
/// (a CAF worker or a store thread): callbacks must not block; post to your own executor.
/// Errors are `failure`s with a code (core/errc.hpp) and a client-facing detail; a run the
/// caller may not see is `not_found`, exactly like an unknown one.
class engine {
public:
  template <class T>
  using callback = std::function<void(outcome<T>)>;

  /// Starts the runtime on `db` with the components it offers and the runnables that
  /// execute them: marks this node's interrupted runs ERROR (with `opts.recover`), spawns
  /// the actors and, with a cluster port, publishes this node's gateway and starts
  /// connecting to the peers. Throws std::runtime_error if a component names a runnable
  /// that is not registered, or the cluster port cannot be bound.
  engine(engine_options opts, std::shared_ptr<persistence::store> db,
         component_registry components,
         actors::runnable_registry runnables = runnables::builtins());

  /// The same in an actor system the caller owns (embedding runcast in a CAF program):
  /// runcast spawns its actors there and, on shutdown, stops them — not the system, which
  /// must outlive this engine. `opts.worker_threads` is then the caller's business; a
  /// cluster port needs the system's config to have loaded `caf::io::middleman`.
  engine(caf::actor_system& sys, engine_options opts, std::shared_ptr<persistence::store> db,
         component_registry components,
         actors::runnable_registry runnables = runnables::builtins());

  /// Shuts down (see `shutdown`) if that has not happened yet.
  ~engine();

  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // -- runs ---------------------------------------------------------------------------------

  /// Builds the run record, persists it (PENDING) and starts the run. Answers the record
  /// once it is stored and running; `invalid_argument` for a bad field or parameter,
  /// `not_found` for an unknown component, `unavailable` when the store refuses.
  void start_run(run_request req, callback<run_record> done);

  /// The run, if `who` may see it (see `may_see`).
  void find_run(run_ref ref, access who, callback<run_record> done);

  /// The run, if this node holds its event log and `who` may see it — without a store
  /// read: its identity (no input or output; status pending until the run is over) and,
  /// once over, its final status and how many events it stored. Empty otherwise (ask
  /// find_run), and always in a cluster: a session deleted through another node leaves
  /// this node's directory as it was, and only the store knows the run is gone.
  std::optional<held_run> find_held_run(const run_ref& ref, const access& who) const;

  /// Runs of a component in the caller's session, newest first.
  void list_runs(run_query query, callback<std::vector<run_record>> done);

  /// Cooperative cancel, on the run's owner node. `conflict` if it already finished.
  void cancel(run_ref ref, access who, callback<bool> done);

  /// Cancels a run this node started for a client that left (an inline stream), without an
  /// access check: the caller holds the run it just started.
  void cancel_started(const std::string& run_id);

  /// Follows `run`'s events from index `from` on into `sink` (`meta`: the resume meta
  /// frames): a live run from its owner's event log, here or through the cluster, a
  /// finished one from wherever its log is still held; `sink->on_not_found` when no log
  /// can be followed (then the store has the events).
  std::shared_ptr<subscription> subscribe(const run_record& run, int64_t from, bool meta,
                                          std::shared_ptr<frame_sink> sink);

  /// Stored events of a run with index >= from, at most `limit`.
  void load_events(const std::string& run_id, int64_t from, size_t limit,
                   callback<std::vector<stored_event>> done);

  /// The same events, each in its SSE frame (built on the store's thread): what a store
  /// replay sends.
  void load_frames(const std::string& run_id, int64_t from, size_t limit,
                   callback<std::vector<stored_frame>> done);

  /// One past the highest stored index of a run (an index seek; not a count when the
  /// stored indices have holes).
  void next_event_index(const std::string& run_id, callback<int64_t> done);

  // -- sessions -------------------------------------------------------------------------------

  /// One page of sessions.
  void list_sessions(session_filter filter, callback<session_page> done);

  /// The session (its id is the capability), or `not_found`.
  void find_session(const std::string& session_id, callback<session_record> done);

  /// Runs of a session (`filter.session_id` is set from `session_id`), or `not_found`.
  void list_session_runs(const std::string& session_id, run_filter filter,
                         callback<std::vector<run_record>> done);

  /// Cancels the session's live runs, waits a little for them to end, then deletes the
  /// session with its runs and events. `conflict` if runs are still live after the wait.
  void delete_session(const std::string& session_id, callback<bool> done);

  // -- the node --------------------------------------------------------------------------------

  /// Store reachable, and the live peers; `unavailable` when the store does not answer.
  void health(callback<health_info> done);

  /// The run manager's figures; `unavailable` if it does not answer in time.
  void stats(callback<runtime_stats> done);

  /// This node's counters and gauges for /metrics; thread-safe (atomics).
  node_metrics& metrics();

  /// The cluster members this node sees now (none when single); called on a CAF thread.
  void peers(std::function<void(std::vector<std::string>)> done);

  /// The configured components.
  const component_registry& components() const;

  /// Takes no new runs from now on (starts answer `draining`, /health says so); live runs
  /// go on, and stay resumable from every node. For rolling restarts: drain, wait for
  /// `runcast_runs_live` to reach 0 (or the grace), stop. `done` answers once the run manager
  /// has taken it.
  void drain(callback<bool> done);

  /// True once `drain` or `shutdown` was called.
  bool draining() const;

  /// Drains, lets live runs finish for up to `grace`, ends the rest (ERROR, "interrupted:
  /// server shutting down"), waits (up to `store_timeout`) for every event and status to
  /// reach the store, then stops the actor system. Blocking: call it from the main thread,
  /// never from a callback. False if the store did not take everything in time.
  bool shutdown(std::chrono::milliseconds grace);

  /// The cluster port actually bound (0 without a cluster).
  uint16_t cluster_port() const;

  /// The limits the runtime was built with.
  const limits& lim() const;

  /// This node's id.
  const std::string& node_id() const;

private:
  struct impl;

  engine(caf::actor_system* sys, engine_options opts, std::shared_ptr<persistence::store> db,
         component_registry components, actors::runnable_registry runnables);

  /// Runs blocking store work on the store threads; a store_error becomes `unavailable`.
  template <class T, class Work>
  void on_store(callback<T> done, Work work);

  /// The run context's session history (actors::history_reader), read on the store threads.
  void read_history(const std::string& session_id, const std::string& before, size_t n,
                    std::function<void(std::vector<actors::past_run>)> done);

  /// Asks the run's owner node to cancel it; `done` (optional) gets an actors::cancel_result
  /// as int32_t, or -1 if the owner (or the locator) did not answer.
  void cancel_on_owner(const std::string& run_id, const std::string& owner,
                       std::function<void(int32_t)> done = {});

  /// The session was deleted: its runs leave this node's log directory, so a resume of one
  /// is answered from the store (not found), not from memory.
  void forget_session_runs(const std::string& session_id);

  std::shared_ptr<persistence::store> db_;
  component_registry components_;
  actors::runnable_registry runnables_;
  std::unique_ptr<store_pool> pool_;
  std::unique_ptr<io_pool> io_;
  /// One /health store probe at a time (shared: its callbacks may outlive a call).
  std::shared_ptr<single_flight<health_info>> health_probe_ =
    std::make_shared<single_flight<health_info>>(1024);
  std::unique_ptr<impl> impl_; ///< the actor side (engine.cpp); declared last, stopped first
};

} // namespace runcast::runtime
