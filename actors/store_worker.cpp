#include "actors/store_worker.hpp"

#include "actors/errors.hpp"
#include "core/ids.hpp"
#include "core/tsan_handoff.hpp"

#include <caf/all.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace runcast::actors {

namespace {

using self_ptr = store_worker_actor::stateful_pointer<store_worker_state>;

/// What a store failure answers: unavailable for a database failure, internal for anything
/// else (bad_alloc, …: the worker must not die with promises open). A database failure is
/// logged when a streak of them begins, and counted until a call succeeds (`succeeded`):
/// while the store is down every write of every live run fails again at each retry, and one
/// line each would flood the log. Anything else is logged every time.
caf::error failure_of(store_worker_state& st, const std::string& what, const std::exception& e) {
  if (dynamic_cast<const persistence::store_error*>(&e) != nullptr) {
    if (st.failed_calls++ == 0)
      spdlog::error("store: {} failed: {} (further failures are counted until a call succeeds)",
                    what, e.what());
    else
      spdlog::debug("store: {} failed: {}", what, e.what());
    return make_failure(errc::unavailable, what + ": " + e.what());
  }
  spdlog::error("store: {} failed unexpectedly: {}", what, e.what());
  return make_failure(errc::internal, what + ": " + e.what());
}

/// A call succeeded: ends a streak of failures, saying how long it was.
void succeeded(store_worker_state& st) {
  if (st.failed_calls > 0)
    spdlog::info("store: calls succeed again, after {} that failed", st.failed_calls);
  st.failed_calls = 0;
}

/// Runs one store operation, turning a failure into a runcast error.
template <class F>
auto guarded(store_worker_state& st, const char* what, F&& f) -> caf::result<decltype(f())> {
  try {
    auto result = f();
    succeeded(st);
    return result;
  } catch (const std::exception& e) {
    return failure_of(st, what, e);
  }
}

/// Runs one store operation and answers `promise` with its result or its failure.
template <class T, class F>
void answer(store_worker_state& st, caf::typed_response_promise<T>& promise,
            const std::string& what, F&& f) {
  try {
    auto result = f();
    succeeded(st);
    promise.deliver(std::move(result));
  } catch (const std::exception& e) {
    promise.deliver(failure_of(st, what, e));
  }
}

/// Rows viewing the appends' events, one append after the other.
std::vector<persistence::event_row>
rows_of(const std::vector<store_worker_state::append>& appends, size_t events) {
  std::vector<persistence::event_row> rows;
  rows.reserve(events);
  for (const auto& w : appends) {
    if (!w.batch.events)
      continue;
    for (const auto& e : *w.batch.events)
      rows.push_back({w.batch.run_id, e.index, e.type(), e.data(), e.created_at});
  }
  return rows;
}

/// The writes taken into one group, with the promises to answer.
struct taken_group {
  persistence::write_group writes;
  std::vector<store_worker_state::create> creates;
  std::vector<store_worker_state::append> appends;
  std::vector<store_worker_state::status> statuses;
};

/// Takes every waiting create and status and the appends up to max_group_events. Creates and
/// statuses are never left behind: a member run's status may follow its create in the same
/// group, and must not be applied before it.
taken_group take_group(store_worker_state& st) {
  taken_group g;
  g.creates = std::move(st.creates);
  g.statuses = std::move(st.statuses);
  st.creates.clear();
  st.statuses.clear();
  size_t taken = 0, events = 0;
  while (taken < st.appends.size()
         && (events == 0 || events + st.appends[taken].count <= max_group_events))
    events += st.appends[taken++].count;
  auto end = st.appends.begin() + static_cast<std::ptrdiff_t>(taken);
  g.appends.assign(std::make_move_iterator(st.appends.begin()), std::make_move_iterator(end));
  st.appends.erase(st.appends.begin(), end);
  // Rows that view the batches' frames, which g holds until the write is done.
  g.writes.events = rows_of(g.appends, events);
  for (auto& c : g.creates)
    g.writes.runs.push_back(c.run);
  for (auto& s : g.statuses)
    g.writes.statuses.push_back(s.change);
  return g;
}

/// A failed group: each write is tried alone, so that one run's bad write (a run id that
/// exists, …) fails only that run. The events of the appends lie one after the other in
/// `g.writes.events`.
void write_one_by_one(store_worker_state& st, taken_group& g) {
  for (auto& c : g.creates)
    answer(st, c.promise, "create run", [&] {
      st.db->create_run(c.run);
      return true;
    });
  auto begin = g.writes.events.begin();
  for (auto& w : g.appends) {
    auto end = begin + static_cast<std::ptrdiff_t>(w.count);
    answer(st, w.promise, "append events of run " + w.batch.run_id, [&] {
      persistence::write_group alone;
      alone.events.assign(begin, end);
      st.db->write(alone);
      return static_cast<int64_t>(w.count);
    });
    begin = end;
  }
  for (auto& s : g.statuses)
    answer(st, s.promise, "update run status", [&] {
      const auto& c = s.change;
      return st.db->update_run_status(c.run_id, c.status, c.content, c.error, c.updated_at);
    });
}

/// A failed group of one write: answered with the failure, not tried again (a store that
/// is down would make its caller wait twice).
void fail_single(store_worker_state& st, taken_group& g, const std::exception& e) {
  if (!g.creates.empty())
    g.creates.front().promise.deliver(failure_of(st, "create run", e));
  else if (!g.appends.empty())
    g.appends.front().promise.deliver(
      failure_of(st, "append events of run " + g.appends.front().batch.run_id, e));
  else
    g.statuses.front().promise.deliver(failure_of(st, "update run status", e));
}

/// Queues a flush behind what is in the mailbox now, unless one is queued: writes that
/// arrive meanwhile join its group.
void schedule_flush(self_ptr self) {
  if (!self->state.flush_queued) {
    self->state.flush_queued = true;
    self->send(self, flush_atom::value);
  }
}

/// After a group: the next one for what was left behind (events past max_group_events).
void schedule_next(self_ptr self) {
  auto& st = self->state;
  if (!st.creates.empty() || !st.appends.empty() || !st.statuses.empty())
    schedule_flush(self);
}

/// Writes the waiting writes (up to max_group_events events) in one transaction and answers
/// each.
void commit_group(self_ptr self) {
  auto& st = self->state;
  st.flush_queued = false;
  auto g = take_group(st);
  auto started = std::chrono::steady_clock::now();
  try {
    auto found = st.db->write(g.writes);
    succeeded(st);
    if (st.metrics) {
      if (!g.writes.events.empty())
        st.metrics->store_batch_events.observe(static_cast<double>(g.writes.events.size()));
      st.metrics->store_write_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    for (auto& c : g.creates)
      c.promise.deliver(true);
    for (auto& w : g.appends)
      w.promise.deliver(static_cast<int64_t>(w.count));
    for (size_t i = 0; i < g.statuses.size(); ++i)
      g.statuses[i].promise.deliver(i < found.size() && found[i]);
  } catch (const std::exception& e) {
    if (st.metrics)
      st.metrics->store_errors.fetch_add(1, std::memory_order_relaxed);
    if (g.creates.size() + g.appends.size() + g.statuses.size() == 1) {
      fail_single(st, g, e);
      return schedule_next(self);
    }
    // write_one_by_one logs each write that fails again (the first of a streak).
    spdlog::log(st.failed_calls == 0 ? spdlog::level::warn : spdlog::level::debug,
                "store: a group of {} runs created, {} events and {} statuses failed ({});"
                " writing them one by one",
                g.creates.size(), g.writes.events.size(), g.statuses.size(), e.what());
    write_one_by_one(st, g);
  }
  schedule_next(self);
}

} // namespace

store_worker_actor::behavior_type store_worker(self_ptr self,
                                               std::shared_ptr<persistence::store> db) {
  self->state.db = db;
  return {
    [self](create_atom, persistence::run_record& run) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      self->state.creates.push_back({std::move(run), promise});
      schedule_flush(self);
      return promise;
    },
    [self](append_atom, pending_batch& batch) -> caf::result<int64_t> {
      auto promise = self->make_response_promise<int64_t>();
      auto count = batch.events ? batch.events->size() : 0;
      self->state.appends.push_back({std::move(batch), count, promise});
      schedule_flush(self);
      return promise;
    },
    [self](flush_atom) { commit_group(self); },
    [self](status_atom, std::string& run_id, run_outcome& o) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      self->state.statuses.push_back(
        {{std::move(run_id), o.status, std::move(o.content), std::move(o.error), now_seconds()},
         promise});
      schedule_flush(self);
      return promise;
    },
    [self, db](load_atom, const std::string& run_id, int64_t from,
               uint64_t limit) -> caf::result<event_batch> {
      return guarded(self->state, "load events", [&] {
        auto frames = db->load_frames(run_id, from, static_cast<size_t>(limit));
        for (const auto& f : frames)
          tsan_release(f.frame.get()); // made here, written by a connection's thread
        return event_batch{std::move(frames)};
      });
    },
  };
}

store_worker_actor::behavior_type counted_store_worker(self_ptr self,
                                                       std::shared_ptr<persistence::store> db,
                                                       std::shared_ptr<node_metrics> metrics) {
  self->state.metrics = std::move(metrics);
  return store_worker(self, std::move(db));
}

} // namespace runcast::actors
