#pragma once

#include "actors/protocol.hpp"
#include "actors/runnable.hpp"
#include "core/event.hpp"

#include <functional>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace runcast::actors {

/// The runtime's executor for asynchronous runnables, as passed between actors (a plain
/// pointer would make CAF's spawn inspect an incomplete type).
struct io_executor {
  boost::asio::io_context* context = nullptr;
};

/// An asynchronous runnable's handle on its run. Every member is thread-safe: call them from
/// the producer's own I/O handlers, from any thread.
///
/// Events are collected and handed to the run actor in batches (one message for whatever
/// piled up since the last hand-off), so a fast producer is not one message per event.
/// The first of `complete`, `fail` or a cancel ends the run; what comes after is dropped.
class run_context {
public:
  virtual ~run_context() = default;

  /// The run this context belongs to.
  virtual const run_info& info() const = 0;

  /// Emits an event; false if the run has ended (stop producing) or too many events wait
  /// for the run actor (`limits::max_pending_emits`; slow down and retry).
  virtual bool emit(event_draft ev) = 0;

  /// Emits a content event of this kind (`RunContent`, …).
  bool emit_content(std::string text) {
    return emit({info().names.content, std::move(text)});
  }

  /// Ends the run COMPLETED; `output` is its final content (the completed event's content),
  /// `fields` further fields of that event (an object, e.g. `metrics`; null: none).
  virtual void complete(std::optional<std::string> output,
                        nlohmann::ordered_json fields = {}) = 0;

  /// Ends the run ERROR with `error` as the error event's content, `fields` as above.
  virtual void fail(std::string error, nlohmann::ordered_json fields = {}) = 0;

  /// True once the run was cancelled (or ended otherwise): stop producing.
  virtual bool cancelled() const = 0;

  /// `f` runs once when the run is cancelled or ends without the producer — at once if it
  /// already has. Called on a runtime thread: post to your executor if you need to.
  virtual void on_cancel(std::function<void()> f) = 0;

  /// The executor runcast provides for the producer's I/O: sockets, pipes, timers. Its
  /// threads are shared by every run; never block them.
  virtual boost::asio::io_context& io() = 0;

  /// Starts a child run — a component of this node (a team's member, a workflow's step)
  /// executed inside this run: its events go to `handler.on_event` (forward what you want
  /// with `emit`, re-tagged as you like), its end to `handler.on_end`. It has no event log
  /// of its own, but the store records it as a run (`parent_run_id` = this run) with its
  /// final status. Cancelling or ending this run cancels its children. If the child
  /// cannot start (unknown component, bad parameter) or this run is over, `on_end` says so
  /// with status ERROR or CANCELLED.
  virtual void start_child(child_request request, child_handler handler) = 0;

  /// The last `n` completed runs of this run's session before it, oldest first (a model's
  /// conversation history). `done` is called once, on a runtime thread; with an empty list
  /// if there are none or the store cannot say.
  virtual void session_history(size_t n, std::function<void(std::vector<past_run>)> done) = 0;
};

} // namespace runcast::actors
