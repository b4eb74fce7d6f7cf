#pragma once

#include "core/event.hpp"
#include "core/event_names.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// The runnable extension point: what a run executes. A runnable comes in one of three
// shapes, all driven by the run actor (actors/run_actor.hpp), which emits the lifecycle
// events (`started`, `completed`, `error`, `cancelled` — named after the component's kind)
// itself:
//
// - step_runnable: a step function. The run actor calls `next()` on a CAF worker; a step
//   must not block, waiting happens between steps on the actor's timer. (The echo agent.)
// - async_runnable: an asynchronous producer. `start(ctx)` returns at once; the producer
//   owns its I/O (socket, pipe, timer) on the executor runcast provides (`ctx->io()`), emits
//   through the context from any thread and ends with `ctx->complete()` or `ctx->fail()`.
// - actor_runnable: a CAF actor implementing `runnable_actor` (actors/runnable_actor.hpp).
namespace runcast::actors {

/// What a runnable learns about its run.
struct run_info {
  std::string run_id;
  std::string session_id;
  std::string user_id;
  std::string kind;         ///< "agents", "teams" or "workflows"
  std::string component_id;
  std::string message;      ///< the run's input
  nlohmann::json params;    ///< the component's defaults with the request's fields over them
  event_names names;        ///< the event names of this kind
};

/// What a run executes; see the three shapes above.
class runnable {
public:
  virtual ~runnable() = default;
};

/// One step of a step_runnable: events to publish now, then either the next step after
/// `delay`, or the end of the run with its `output`.
struct step {
  std::vector<event_draft> events;
  std::chrono::milliseconds delay{0};
  bool last = false;
  std::optional<std::string> output; ///< the run's final content, with `last`
};

/// A runnable written as a step function.
class step_runnable : public runnable {
public:
  /// The next step. Throws to fail the run (the message becomes its error event).
  virtual step next() = 0;
};

class run_context;

/// A runnable written as an asynchronous producer.
class async_runnable : public runnable {
public:
  /// Starts producing; must not block. Keep `ctx` as long as you emit. Throwing fails the
  /// run with the exception's message.
  virtual void start(std::shared_ptr<run_context> ctx) = 0;
};

} // namespace runcast::actors
