#pragma once

// The event log's operations, shared by its three source files: event_log.cpp (the actor,
// publishing, status), event_log_persistence.cpp (write-behind, backpressure, retention)
// and event_log_subscribers.cpp (catch-up, live fan-out, credits, stall cut-off).

#include "actors/event_log.hpp"
#include "actors/event_log_state.hpp"

#include <caf/stateful_actor.hpp>

namespace runcast::actors::log_ops {

using self_ptr = event_log_impl::stateful_pointer<event_log_state>;

// -- persistence (event_log_persistence.cpp) ---------------------------------------------------

/// Hands the next batch (or the status) to the store, unless a write is in flight.
void flush(self_ptr self);

/// Pauses or resumes the producer after the unpersisted bytes changed, and keeps the
/// node's budget up to date.
void check_pressure(self_ptr self);

// -- subscribers (event_log_subscribers.cpp) ---------------------------------------------------

/// Adds a subscriber from `sub.cursor` on (clamped to what is stored): the resume meta frame
/// first if `sub.meta`, then what it may have. Answers what the subscription starts from.
subscription_info add_subscriber(self_ptr self, const subscriber_key& key, subscriber_entry sub);

/// Ends every local client's subscription with an error frame: the log is stopping with
/// them still reading (called as its state goes).
void end_direct_subscribers(event_log_state& st);

/// Sends frames to a subscriber and counts them in its window.
void send_frames(self_ptr self, subscriber_entry& sub, frame_batch batch);

/// Ends a subscription: `last` (may be null) is its final frame; `abort` asks the connection
/// to drop without a clean end, so the client knows to resume.
void end_subscriber(self_ptr self, const subscriber_key& key, frame_ptr last,
                    bool abort = false);

/// Sends a subscriber what it may have (memory within its window, or a store read), then
/// `subscribed` or the end when it reaches the head.
void pump(self_ptr self, const subscriber_key& key);

/// Quits once the log expired and its last subscriber is gone.
void quit_if_expired(self_ptr self);

/// `pump` for every subscriber.
void pump_all(self_ptr self);

/// The stall cut-off: ends subscribers whose window stayed full for `stall_timeout`.
void cut_stalled(self_ptr self);

} // namespace runcast::actors::log_ops
