#include "actors/run_actor.hpp"

#include "actors/run_context_impl.hpp"
#include "core/ids.hpp"
#include "core/log_format.hpp"
#include "core/tsan_handoff.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace runcast::actors {

namespace {

using self_ptr = run_actor::stateful_pointer<run_actor_state>;

void publish(self_ptr self, std::vector<event_draft> events) {
  auto& st = self->state;
  if (events.empty())
    return;
  ++st.unacked;
  self->send(st.log, publish_atom::value, draft_batch{std::move(events)});
  // RUNNING follows the run's first events, never precedes them: the log writes a status
  // once the events queued before it are in, so the events go first. Sent first, it was a
  // store write of its own (the log has one in flight) that a new run's first event waited
  // for. It precedes the final status, which finish() sends after its own publish.
  if (!std::exchange(st.running_sent, true))
    self->send(st.log, status_atom::value, run_outcome{run_status::running, {}, {}});
}

/// Production waits while the log asked for a pause or has not taken the last batches.
bool held_back(const run_actor_state& st) {
  return st.paused || st.unacked >= max_unacked_batches;
}

/// Takes up what a pause or unacknowledged batches held back.
void go_on(self_ptr self) {
  auto& st = self->state;
  if (held_back(st))
    return;
  if (std::exchange(st.step_due, false))
    self->send(self, step_atom::value);
  if (std::exchange(st.drain_due, false))
    self->send(self, drain_atom::value);
}

/// Ends the run: `events` and the final event for `outcome` go to the log, then the status.
/// The runnable is told (context closed, actor cancelled) unless it ended the run itself.
void finish(self_ptr self, std::vector<event_draft> events, run_outcome outcome,
            bool by_runnable) {
  auto& st = self->state;
  if (st.ended)
    return;
  st.ended = true;
  const auto& names = st.info.names;
  switch (outcome.status) {
    case run_status::completed:
      events.emplace_back(names.completed, outcome.content, std::move(outcome.fields));
      break;
    case run_status::cancelled:
      events.emplace_back(names.cancelled, std::string{"Run cancelled"});
      break;
    default:
      events.emplace_back(names.error, outcome.error, std::move(outcome.fields));
      break;
  }
  publish(self, std::move(events));
  self->send(st.log, status_atom::value, std::move(outcome));
  if (st.context)
    st.context->close();
  if (st.worker && !by_runnable)
    self->send(st.worker, cancel_atom::value);
  // Children end with their parent (a finished child ignores the cancel).
  for (auto& child : st.children)
    self->send(child, cancel_atom::value);
  self->quit();
}

/// The run's ids for a log line.
void log_run(spdlog::level::level_enum level, self_ptr self, std::string message) {
  const auto& i = self->state.info;
  logs::run(level, i.run_id, i.session_id, i.kind + "/" + i.component_id, std::move(message));
}

void fail(self_ptr self, std::vector<event_draft> events, const std::string& why) {
  log_run(spdlog::level::warn, self, "run failed: " + why);
  finish(self, std::move(events), {run_status::error, std::nullopt, why}, true);
}

/// The next step after `delay`: the node's pacer wakes it (actors/step_pacer.hpp), or
/// without one a CAF timer of its own.
void wait(self_ptr self, caf::timespan delay) {
  auto& st = self->state;
  if (const auto& pacer = st.env.pacer) {
    auto now = self->clock().now();
    st.paced_until = now + delay;
    self->send(pacer, step_atom::value, self->address(), caf::timespan{now.time_since_epoch()},
               delay);
  } else {
    self->delayed_send(self, delay, step_atom::value);
  }
}

/// Takes steps until one waits or `max_batch` events are in hand (`batch` holds some already:
/// the run's start event, on the first call), then publishes them in one batch.
void take_steps(self_ptr self, step_runnable& body, size_t max_batch,
                std::vector<event_draft> batch = {}) {
  try {
    for (;;) {
      auto s = body.next();
      // A run whose steps come with no delay fills whole batches: once it has shown that
      // (16 events in hand), the room is made at once, not doubled four more times. A short
      // run or a paced step (one event, then a wait) keeps its small batch.
      if (s.delay.count() == 0 && batch.size() >= 16 && batch.capacity() < max_batch)
        batch.reserve(max_batch);
      for (auto& ev : s.events)
        batch.push_back(std::move(ev));
      if (s.last)
        return finish(self, std::move(batch), {run_status::completed, s.output, std::nullopt},
                      true);
      if (s.delay.count() > 0 || batch.size() >= max_batch) {
        publish(self, std::move(batch));
        // The wait between steps is a timer, not a blocked thread; a cancel lands here. A
        // full batch goes on at once: CAF 0.17 routes even a zero delay through its clock
        // thread, two more thread wake-ups per batch.
        if (s.delay.count() > 0)
          wait(self, caf::timespan{s.delay});
        else
          self->send(self, step_atom::value);
        return;
      }
    }
  } catch (const std::exception& e) {
    fail(self, std::move(batch), e.what());
  }
}

/// The store's record of a child run: a run of its own session and user, owned by this node,
/// whose parent is this run.
persistence::run_record child_record(const run_actor_state& st, const run_info& child,
                                     const child_request& req) {
  persistence::run_record r;
  r.run_id = child.run_id;
  r.parent_run_id = st.info.run_id;
  r.session_id = child.session_id;
  r.user_id = child.user_id;
  r.kind = child.kind;
  r.component_id = child.component_id;
  r.owner_node = st.env.node_id;
  r.input = child.message;
  r.params_json = req.params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.status = run_status::running;
  r.created_at = now_seconds();
  r.updated_at = r.created_at;
  return r;
}

/// Starts a child run inside this one (run_context::start_child).
void start_child(self_ptr self, child_start& c) {
  auto& st = self->state;
  if (st.ended) {
    c.handler.on_end({run_status::cancelled, std::nullopt, std::string{"the parent run is over"}});
    return;
  }
  auto made = st.env.children ? st.env.children(c.request, st.info)
                              : outcome<std::pair<run_info, std::shared_ptr<runnable>>>{
                                failure{errc::internal, "this runtime starts no child runs"}};
  if (!made) {
    c.handler.on_end({run_status::error, std::nullopt, made.error().detail});
    return;
  }
  auto n = st.next_child++;
  auto& info = made->first;
  info.run_id =
    c.request.run_id.empty() ? st.info.run_id + "." + std::to_string(n) : c.request.run_id;
  auto sink = self->spawn(child_events, std::move(c.handler), child_record(st, info, c.request),
                          st.env.records);
  auto env = st.env;
  env.child = true;
  tsan_release(made->second.get()); // built here, run by the child's actor
  st.children.push_back(self->spawn(drive_run, run_events_actor{sink}, made->second,
                                    std::move(made->first), std::move(env)));
}

/// Starts the runnable in its shape; `started` is the run's first event. A step function
/// takes its first steps at once, and the start event goes to the log with their events:
/// one store write before a client sees the run's first output, not two in a row (a new
/// run's first event waited for the start event's commit, then its own).
void start(self_ptr self, io_executor io, size_t max_pending, event_draft started) {
  auto& st = self->state;
  if (auto* body = dynamic_cast<step_runnable*>(st.body.get())) {
    std::vector<event_draft> first;
    first.push_back(std::move(started));
    take_steps(self, *body, st.env.lim.step_batch, std::move(first));
    return;
  }
  publish(self, {std::move(started)});
  if (auto* producer = dynamic_cast<async_runnable*>(st.body.get())) {
    st.context = std::make_shared<run_context_impl>(st.info, self->ctrl(), *io.context, max_pending,
                                                     st.env.history);
    try {
      producer->start(st.context);
    } catch (const std::exception& e) {
      fail(self, {}, e.what());
    }
  } else if (auto* actor = dynamic_cast<actor_runnable*>(st.body.get())) {
    st.worker = actor->spawn(self->system());
    // Its death before `done` ends the run (down handler); a normal exit after it does not.
    self->monitor(st.worker);
    self->send(st.worker, start_atom::value, st.info,
               caf::actor_cast<run_sink_actor>(self));
  } else {
    fail(self, {}, "the runnable has no known shape");
  }
}

} // namespace

run_actor::behavior_type drive_run(self_ptr self, run_events_actor log,
                                   std::shared_ptr<runnable> body, run_info info,
                                   run_environment env) {
  auto& st = self->state;
  // The body was built on another thread (an HTTP thread, a parent run): everything it set
  // up happened before this run starts it (core/tsan_handoff.hpp).
  tsan_acquire(body.get());
  st.log = std::move(log);
  st.body = std::move(body);
  st.info = std::move(info);
  st.env = std::move(env);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (!self->state.ended && dm.source == self->state.worker.address())
      fail(self, {}, "the runnable actor stopped before finishing");
  });
  start(self, st.env.io, st.env.lim.max_pending_emits, {st.info.names.started, std::nullopt});
  return {
    [self](publish_atom, draft_batch& batch) {
      if (!self->state.ended)
        publish(self, std::move(batch.events));
    },
    [self](done_atom, run_outcome& outcome) {
      if (outcome.status != run_status::completed)
        outcome.status = run_status::error;
      finish(self, {}, std::move(outcome), true);
    },
    [self](step_atom) {
      auto& st = self->state;
      st.paced_until.reset(); // the pacer's step (FIFO: before any news of its end)
      if (held_back(st)) {
        st.step_due = true;
        return;
      }
      if (auto* body = dynamic_cast<step_runnable*>(st.body.get()); body && !st.ended)
        take_steps(self, *body, st.env.lim.step_batch);
    },
    [self](drain_atom) {
      auto& st = self->state;
      if (!st.context || st.ended)
        return;
      if (held_back(st)) {
        // The producer's events wait in its context (bounded: emit refuses past
        // max_pending_emits) until the log has room again.
        st.drain_due = true;
        return;
      }
      auto d = st.context->drain();
      if (d.outcome)
        finish(self, std::move(d.events), std::move(*d.outcome), true);
      else
        publish(self, std::move(d.events));
    },
    [self](cancel_atom) {
      finish(self, {}, {run_status::cancelled, std::nullopt, std::nullopt}, false);
    },
    [self](child_atom, child_start& c) { start_child(self, c); },
    [self](pause_atom, bool pause) {
      self->state.paused = pause;
      go_on(self);
    },
    [self](credit_atom, uint64_t n) {
      auto& st = self->state;
      st.unacked -= std::min<size_t>(st.unacked, static_cast<size_t>(n));
      go_on(self);
    },
    [self](pacer_atom, caf::actor& pacer) {
      auto& st = self->state;
      st.env.pacer = caf::actor_cast<step_pacer_actor>(pacer);
      for (auto& child : st.children)
        self->send(child, pacer_atom::value, pacer);
      // The old pacer's step, had it sent one, came before this (it was sent before that
      // pacer stopped, and the manager heard of the stop only then): a wait still set was
      // lost with it.
      if (auto until = std::exchange(st.paced_until, std::nullopt))
        wait(self, std::max(caf::timespan{0}, *until - self->clock().now()));
    },
    [self](fail_atom, std::string& why) {
      log_run(spdlog::level::warn, self, "run failed: " + why);
      finish(self, {}, {run_status::error, std::nullopt, std::move(why)}, false);
    },
    [self](shutdown_atom) {
      finish(self, {}, {run_status::error, std::nullopt, "interrupted: server shutting down"},
             false);
    },
  };
}

run_actor_state::~run_actor_state() {
  if (context)
    context->close();
  for (auto& child : children)
    caf::anon_send(child, cancel_atom::value);
  if (!ended && env.child && log)
    caf::anon_send(log, status_atom::value,
                   run_outcome{run_status::error, std::nullopt,
                               std::string{"the child run stopped unexpectedly"}});
}

namespace {

/// How soon a refused child event is offered again: about one store batch, when the
/// parent's log has usually taken what filled its context.
constexpr auto child_retry_delay = std::chrono::milliseconds{5};

using child_self = run_events_actor::stateful_pointer<child_events_state>;

/// Hands the held events on, then the end; false while the handler refuses.
bool deliver(child_self self) {
  auto& st = self->state;
  while (!st.held.empty()) {
    if (!st.handler.on_event(st.held.front()))
      return false;
    st.held.pop_front();
  }
  if (st.owed > 0 && st.run) {
    // The child run waits for this before it publishes more (run_actor.hpp).
    caf::anon_send(caf::actor_cast<run_actor>(st.run), credit_atom::value, st.owed);
    st.owed = 0;
  }
  if (st.end) {
    st.handler.on_end(std::move(*st.end));
    self->quit();
  }
  return true;
}

void deliver_or_retry(child_self self) {
  auto& st = self->state;
  if (deliver(self) || st.retry_due)
    return;
  st.retry_due = true;
  self->delayed_send(self, child_retry_delay, publish_atom::value, draft_batch{});
}

} // namespace

run_events_actor::behavior_type child_events(child_self self, child_handler handler,
                                             persistence::run_record record,
                                             store_actor records) {
  auto& st = self->state;
  st.handler = std::move(handler);
  if (records) {
    // Fire and forget: the store worker logs its own failures, and a member whose record
    // could not be written still runs (its events are in the parent's stream). This actor
    // enqueues the create before the final status, so the worker sees them in that order.
    caf::anon_send(records, create_atom::value, record);
    st.record = std::move(record);
    st.records = std::move(records);
  }
  return {
    [=](publish_atom, draft_batch& batch) {
      auto& st = self->state;
      if (self->current_sender() == self->ctrl()) {
        st.retry_due = false; // our own retry timer
      } else {
        // At most max_unacked_batches are held: then the child waits for their credit.
        st.run = self->current_sender();
        ++st.owed;
        for (auto& ev : batch.events)
          st.held.push_back(std::move(ev));
      }
      deliver_or_retry(self);
    },
    [=](status_atom, run_outcome& outcome) {
      if (!is_terminal(outcome.status))
        return;
      auto& st = self->state;
      if (st.records)
        caf::anon_send(st.records, status_atom::value, st.record.run_id, outcome);
      st.end = std::move(outcome);
      deliver_or_retry(self);
    },
  };
}

} // namespace runcast::actors
