#pragma once

#include "actors/frame_sink.hpp"
#include "actors/protocol.hpp"
#include "core/limits.hpp"
#include "persistence/store.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace runcast::actors {

/// Options of the actor runtime.
struct engine_options {
  limits lim;
  std::string node_id = "n1";  ///< owner recorded on every run this node starts
  size_t worker_threads = 0;   ///< CAF scheduler workers; 0 = one per core (at least 2)
};

/// The actor runtime behind a plain C++ face: the HTTP layer calls it without including
/// CAF. It owns the actor system, the store actor and the run manager. Callbacks run on
/// CAF worker threads and must not block: post the result to your own executor.
class engine {
public:
  engine(engine_options opts, std::shared_ptr<persistence::store> db);

  /// Shuts down (see `shutdown`) if that has not happened yet.
  ~engine();

  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Called with nullopt once the run is persisted and started, or with why it was not.
  using start_callback = std::function<void(std::optional<std::string> error)>;

  /// Persists a run (PENDING) and starts it.
  void start_run(run_spec spec, start_callback done);

  /// Subscribes `sink` to a run's events from index `from` on; `meta` adds the resume meta
  /// frames. If the run is not in memory here, the sink's `on_not_found` is called.
  std::shared_ptr<subscription> subscribe(const std::string& run_id, int64_t from, bool meta,
                                          std::shared_ptr<frame_sink> sink);

  /// Cooperative cancel of a live run.
  void cancel(const std::string& run_id, std::function<void(cancel_result)> done);

  /// Runtime figures for /metrics.
  struct runtime_stats {
    int64_t event_logs = 0; ///< runs held in memory (live or within retention)
    int64_t live_runs = 0;  ///< runs still executing
    bool ok = false;        ///< false if the runtime did not answer in time
  };

  /// Asks the run manager for its figures.
  void stats(std::function<void(runtime_stats)> done);

  /// Ends every live run (ERROR, "interrupted: server shutting down"), waits up to `grace`
  /// for their events and statuses to reach the store, then stops the actor system.
  /// Blocking: call it from the main thread, never from a handler. Returns false on timeout.
  bool shutdown(std::chrono::milliseconds grace);

  /// The limits the runtime was built with.
  const limits& lim() const;

  /// This node's id.
  const std::string& node_id() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace runcast::actors
