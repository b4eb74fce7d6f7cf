#pragma once

#include "actors/runnable.hpp"
#include "core/errc.hpp"
#include "core/event.hpp"
#include "core/event_json.hpp"
#include "core/run_status.hpp"
#include "core/sse.hpp"
#include "persistence/store.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Plain data exchanged by runcast's actors, free of CAF's headers (runnables include it);
// actors/type_ids.hpp declares them as local CAF message types.
namespace runcast::actors {

/// Events a run actor publishes to its event log, in order.
struct draft_batch {
  std::vector<event_draft> events;
};

/// Encoded frames for one subscriber, sent in batches (never one message per event).
struct frame_batch {
  std::vector<frame_ptr> frames;
};

/// Events read from the store, each in its frame (built by the store's reader).
struct event_batch {
  std::vector<stored_frame> events;
};

/// An event waiting to be stored, seen in its frame: the frame the event log keeps for its
/// subscribers also holds the event's type and data, so storing it copies nothing.
struct pending_event {
  frame_ptr frame;
  int64_t index = 0;
  double created_at = 0;
  event_frame_layout layout;

  std::string_view type() const {
    return frame->view().substr(layout.type_at, layout.type_size);
  }
  std::string_view data() const {
    return frame->view().substr(layout.data_at, layout.data_size);
  }
};

/// Events handed to the store in one write, shared read-only between the event log (which
/// keeps them until the write's answer) and the store: one reference count per batch, where
/// a copy of the batch took one per frame on the log's thread and dropped it on the store's.
using pending_events = std::shared_ptr<const std::vector<pending_event>>;

/// A run's events handed to the store in one write (`events` is never null when sent).
struct pending_batch {
  std::string run_id;
  pending_events events;
};

/// A run's status with its final output or error.
struct run_outcome {
  run_outcome() = default;
  run_outcome(run_status s, std::optional<std::string> c = std::nullopt,
              std::optional<std::string> e = std::nullopt, nlohmann::ordered_json f = {})
    : status(s), content(std::move(c)), error(std::move(e)), fields(std::move(f)) {
  }

  run_status status = run_status::running;
  std::optional<std::string> content;
  std::optional<std::string> error;
  nlohmann::ordered_json fields; ///< extra fields of the final event (`metrics`, …); or null
};

/// A child run a runnable asks for (run_context::start_child): a component of this node,
/// run inside the parent's run — its events go to the parent, not to a log of its own.
struct child_request {
  std::string kind;          ///< "agents", "teams" or "workflows"
  std::string component_id;
  std::string message;
  nlohmann::json params = nlohmann::json::object();
  std::string run_id = {}; ///< the child's run id; empty: `<parent run id>.<n>`
};

/// Where a child run's events and end go. Both are called on a runtime thread, in order;
/// `on_end` exactly once, after the last event (completed with the output as content,
/// error, or cancelled).
struct child_handler {
  /// Every event, lifecycle ones included. Returns false to say "no room now" (the parent's
  /// context is full): the child run is then held back and the same event offered again a
  /// little later. The event may have been changed (re-tagged) by a refusing handler.
  std::function<bool(event_draft& ev)> on_event;
  std::function<void(run_outcome)> on_end;
};

/// A child run to start, as the run actor receives it.
struct child_start {
  child_request request;
  child_handler handler;
};

/// Builds a child run of `parent`: its run_info and runnable, or why not (`not_found` for an
/// unknown component, `invalid_argument` for bad parameters). Given by the runtime.
using child_factory = std::function<outcome<std::pair<run_info, std::shared_ptr<runnable>>>(
  const child_request& request, const run_info& parent)>;

/// An earlier run of a session, for a model's conversation history: what was asked and
/// what was answered.
struct past_run {
  std::string input;
  std::string output;
};

/// Reads the last `n` completed top-level runs of `session_id` created before run `before`,
/// oldest first, and hands them to `done` on a store thread (an empty list if the store
/// fails: history is a help, not a precondition). Given by the runtime.
using history_reader =
  std::function<void(const std::string& session_id, const std::string& before, size_t n,
                     std::function<void(std::vector<past_run>)> done)>;

/// Everything needed to start a run. `record` is persisted before the run starts.
struct run_spec {
  persistence::run_record record;
  event_context context; ///< what every event of the run repeats
  run_info info;         ///< what the runnable learns
  std::shared_ptr<runnable> body;
};

/// What an event log answers a subscriber.
struct subscription_info {
  run_status status = run_status::running; ///< the run's status at subscription time
  int64_t total_events = 0;               ///< events published so far
  int64_t from = 0;                       ///< first index this subscription sends
};

/// What an event log holds, for metrics and tests.
struct log_stats {
  int64_t next_index = 0;      ///< events published
  int64_t first_in_memory = 0; ///< oldest index still in memory
  int64_t persisted = 0;       ///< events [0, persisted) are in the store
  size_t frames = 0;           ///< frames in memory
  size_t bytes = 0;            ///< their bytes
  size_t subscribers = 0;
  run_status status = run_status::pending;
  bool finished_persisted = false;
};

/// The result of a cancel request.
enum class cancel_result { cancelled, finished, not_found };

} // namespace runcast::actors
