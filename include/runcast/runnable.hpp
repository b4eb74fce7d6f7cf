#pragma once

/// @file
/// What a component runs, in the three shapes runcast drives, plus a plain function.

#include "actors/run_context.hpp"
#include "actors/runnable.hpp"
#include "actors/runnable_actor.hpp"
#include "actors/runnable_registry.hpp"
#include "core/component.hpp"
#include "core/event.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace runcast {

/// What a runnable learns about its run: ids, kind, component, message and parameters.
using run_info = actors::run_info;

/// A runnable of any shape (the base of the three below).
using runnable = actors::runnable;

/// A step function: `next()` is called on a CAF worker and must not block.
using step_runnable = actors::step_runnable;

/// An asynchronous producer: `start(ctx)` returns at once; it emits through the context from
/// any thread and ends the run with `ctx->complete()` or `ctx->fail()`.
using async_runnable = actors::async_runnable;

/// An asynchronous producer's handle on its run (thread-safe).
using run_context = actors::run_context;

/// The typed interface a user's CAF actor implements to be a runnable: it gets
/// `(start_atom, run_info, run_sink_actor)`, sends `(publish_atom, draft_batch)` and ends
/// with `(done_atom, run_outcome)`; `(cancel_atom)` tells it to stop.
using runnable_actor = actors::runnable_actor;

/// Where a runnable actor sends its events and its end.
using run_sink_actor = actors::run_sink_actor;

/// `(start_atom, run_info, run_sink_actor)`: a runnable actor's run begins.
using start_atom = actors::start_atom;

/// `(cancel_atom)`: a runnable actor's run was cancelled (or the node stops).
using cancel_atom = actors::cancel_atom;

/// `(publish_atom, draft_batch)`: events from a runnable actor to its sink.
using publish_atom = actors::publish_atom;

/// `(done_atom, run_outcome)`: a runnable actor ends its run.
using done_atom = actors::done_atom;

/// Events a runnable actor publishes at once, in order.
using draft_batch = actors::draft_batch;

/// How a run ended: status (`run_status::completed`, `error`), content or error.
using run_outcome = actors::run_outcome;

/// Makes a runnable for one run of a component.
using runnable_factory = actors::runnable_factory;

/// What a plain function runnable may do while it runs: emit content, look at its run, and
/// notice a cancel. Thread-safe.
class function_run {
public:
  /// Internal: the run's context.
  explicit function_run(std::shared_ptr<run_context> ctx);

  /// The run.
  const run_info& info() const;

  /// Emits a content event (`RunContent` for an agent). Blocks while the run's log asks
  /// producers to wait (backpressure); false once the run is over (stop working).
  bool emit(std::string text);

  /// True once the run was cancelled (or ended otherwise): return soon.
  bool cancelled() const;

private:
  std::shared_ptr<run_context> ctx_;
};

/// A runnable written as a plain, blocking function: it gets the run and returns the run's
/// output (or throws to fail the run with the exception's message). runcast calls it on a
/// thread of its own (one of `function_threads`), never on a CAF worker or an I/O thread.
using function_body = std::function<std::string(function_run& run)>;

} // namespace runcast
