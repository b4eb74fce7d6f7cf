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
#include <utility>
#include <vector>

namespace runcast::cluster {

/// Clustering: where this node listens for peers, whom it connects to, the shared secret.
struct cluster_options {
  uint16_t port = 0;                 ///< 0: no cluster (a single node)
  std::string host = "127.0.0.1";   ///< loopback unless told otherwise
  std::vector<std::pair<std::string, uint16_t>> peers;
  std::string secret;               ///< required with a port
  std::chrono::milliseconds heartbeat{200};          ///< CAF middleman heartbeat
  std::chrono::milliseconds connection_timeout{1000}; ///< silence that counts as a dead peer
};

/// Options of the actor runtime.
struct engine_options {
  limits lim;
  std::string node_id = "n1";  ///< owner recorded on every run this node starts
  size_t worker_threads = 0;   ///< CAF scheduler workers; 0 = one per core (at least 2)
  cluster_options cluster;
};

/// The actor runtime behind a plain C++ face: the HTTP layer calls it without including
/// CAF. It owns the actor system, the store actor and the run manager. Callbacks run on
/// CAF worker threads and must not block: post the result to your own executor.
class engine {
public:
  /// Starts the runtime; with a cluster port, publishes this node's gateway there (throws
  /// std::runtime_error if it cannot) and starts connecting to the peers.
  engine(engine_options opts, std::shared_ptr<persistence::store> db);

  /// Shuts down (see `shutdown`) if that has not happened yet.
  ~engine();

  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Called with nullopt once the run is persisted and started, or with why it was not.
  using start_callback = std::function<void(std::optional<std::string> error)>;

  /// Persists a run (PENDING) and starts it.
  void start_run(actors::run_spec spec, start_callback done);

  /// Subscribes `sink` to a run's events from index `from` on; `meta` adds the resume meta
  /// frames. `owner` is the node that runs it (empty: this one); another node's run is
  /// followed through the cluster. If no event log can be followed, the sink's
  /// `on_not_found` is called.
  std::shared_ptr<actors::subscription> subscribe(const std::string& run_id,
                                                  const std::string& owner, int64_t from,
                                                  bool meta,
                                                  std::shared_ptr<actors::frame_sink> sink);

  /// Cooperative cancel of a live run, on its owner node (empty: this one).
  void cancel(const std::string& run_id, const std::string& owner,
              std::function<void(actors::cancel_result)> done);

  /// The peers currently connected (empty without a cluster).
  void peers(std::function<void(std::vector<std::string>)> done);

  /// The cluster port actually bound (0 without a cluster).
  uint16_t cluster_port() const;

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

} // namespace runcast::cluster
