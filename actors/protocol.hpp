#pragma once

#include "actors/runnable.hpp"
#include "core/event.hpp"
#include "core/event_json.hpp"
#include "core/run_status.hpp"
#include "core/sse.hpp"
#include "persistence/store.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Plain data exchanged by runcast's actors, free of CAF so that HTTP code can use it without
// CAF's compile cost. messages.hpp declares them as (local) CAF message types.
namespace runcast::actors {

/// Events a run actor publishes to its event log, in order.
struct draft_batch {
  std::vector<event_draft> events;
};

/// Encoded frames for one subscriber, sent in batches (never one message per event).
struct frame_batch {
  std::vector<frame_ptr> frames;
};

/// Events handed to the store in one transaction.
struct event_batch {
  std::vector<stored_event> events;
};

/// A run's status with its final output or error.
struct run_outcome {
  run_status status = run_status::running;
  std::optional<std::string> content;
  std::optional<std::string> error;
};

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
