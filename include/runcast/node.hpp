#pragma once

/// @file
/// A runcast node in a C++ program: start runs, follow their events from any index, cancel
/// them — in the program's own CAF actor system or in one runcast owns.

#include "core/errc.hpp"
#include "core/run_record.hpp"
#include "runcast/components.hpp"
#include "runcast/options.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace runcast::runtime {
class engine;
} // namespace runcast::runtime

namespace runcast {

/// What starting a run takes.
struct run_request {
  std::string kind = "agents"; ///< "agents", "teams" or "workflows"
  std::string component_id;    ///< the component's id
  std::string message;         ///< the run's input; required
  std::string session_id = {}; ///< empty: a new session
  std::string user_id = {};    ///< optional; a run is then visible to that user only
  nlohmann::json params = nlohmann::json::object(); ///< reach the runnable (like form fields)
};

/// One event of a run, as clients receive it.
struct run_event {
  int64_t index = 0; ///< its dense `event_index`
  std::string type;  ///< `RunStarted`, `RunContent`, …
  std::string data;  ///< the exact JSON of the SSE `data:` line
};

/// How a subscription ended: the run finished (`ok`), or why not.
struct subscription_end {
  bool ok = true;          ///< the run's last event was delivered
  std::string error = {};  ///< otherwise: why the events stopped
};

/// Where a subscription delivers. Both are called on a runtime thread, one call at a time,
/// in order; they must not block (hand the work to your executor or actor).
struct event_handler {
  /// Each event, from the index asked for on, each once.
  std::function<void(const run_event&)> on_event;
  /// Once, at the end (not after `close`).
  std::function<void(const subscription_end&)> on_end;
};

/// A subscription's handle: closing it (or destroying it) stops the events.
class event_subscription {
public:
  /// Internal: the runtime makes these.
  struct state;

  /// Internal.
  explicit event_subscription(std::shared_ptr<state> s);

  /// Closes the subscription.
  ~event_subscription();

  event_subscription(const event_subscription&) = delete;
  event_subscription& operator=(const event_subscription&) = delete;

  /// Stops the events: no handler call begins after this returns. Idempotent.
  void close();

private:
  std::shared_ptr<state> state_;
};

/// A runcast node: its actors (run manager, event logs, store workers, cluster hookup) in an
/// actor system, on a store. Every asynchronous call answers exactly once through its
/// callback, on a runtime thread; callbacks must not block.
class node {
public:
  /// Starts runcast in the caller's actor system, which must outlive the runtime and have
  /// been configured with `runcast::configure`. Opens the store (creating or migrating its
  /// schema), marks this node's interrupted runs ERROR (`opts.recover`) and, with a cluster
  /// port, joins the cluster. Throws std::runtime_error if it cannot.
  node(caf::actor_system& sys, options opts, components comps);

  /// The same in an actor system runcast owns.
  node(options opts, components comps);

  /// Shuts down (see `shutdown`) if that has not happened yet.
  ~node();

  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Persists and starts a run; answers its record (PENDING or RUNNING), or why not
  /// (`invalid_argument`, `not_found`, `unavailable`).
  void start(run_request req, std::function<void(outcome<run_record>)> done);

  /// Follows a run's events after index `after` (-1: from the start), then its live tail,
  /// wherever its log is — here, on another node, or in the store. An unknown run or a
  /// wrong session ends it at once (`on_end` with "run … not found").
  std::unique_ptr<event_subscription> subscribe(const std::string& run_id,
                                                const std::string& session_id, int64_t after,
                                                event_handler handler);

  /// The same, delivered to one of the caller's actors: each event as a message holding a
  /// `run_event`, the end as one holding a `subscription_end`.
  std::unique_ptr<event_subscription> subscribe(const std::string& run_id,
                                                const std::string& session_id, int64_t after,
                                                caf::actor receiver);

  /// Cancels a live run (on its owner node); `conflict` if it already finished.
  void cancel(const std::string& run_id, const std::string& session_id,
              std::function<void(outcome<bool>)> done);

  /// The run's record, if `session_id` is its session.
  void find(const std::string& run_id, const std::string& session_id,
            std::function<void(outcome<run_record>)> done);

  /// Takes no new runs from now on (`start` answers `draining`; the HTTP API answers 503 and
  /// /health "draining"); live runs go on and stay resumable from every node. For rolling
  /// restarts: drain, let the live runs finish, then shut down.
  void drain(std::function<void(outcome<bool>)> done);

  /// Drains, lets live runs finish for up to `grace`, ends the rest (ERROR), waits for the
  /// store to take every event, stops runcast's actors (and the actor system, when it owns
  /// one). Blocking: never call it from a callback. False if the store did not take
  /// everything in time.
  bool shutdown(std::chrono::milliseconds grace = std::chrono::seconds{10});

  /// The cluster port actually bound (0 without a cluster).
  uint16_t cluster_port() const;

  /// Internal: the engine underneath (what the HTTP server uses).
  ::runcast::runtime::engine& engine();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace runcast

// Delivered to a subscriber actor inside this process only (never serialized).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::run_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::subscription_end)
