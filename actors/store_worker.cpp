#include "actors/store_worker.hpp"

#include "actors/errors.hpp"
#include "core/ids.hpp"

#include <caf/all.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace runcast::actors {

namespace {

using self_ptr = store_worker_actor::stateful_pointer<store_worker_state>;

/// Runs one store operation, turning a store_error into a runcast error (logged once, here).
template <class F>
auto guarded(const char* what, F&& f) -> caf::result<decltype(f())> {
  try {
    return f();
  } catch (const persistence::store_error& e) {
    spdlog::error("store: {} failed: {}", what, e.what());
    return make_failure(errc::unavailable, std::string{what} + ": " + e.what());
  } catch (const std::exception& e) {
    // Anything else (bad_alloc, …) answers too: the worker must not die with promises open.
    spdlog::error("store: {} failed unexpectedly: {}", what, e.what());
    return make_failure(errc::internal, std::string{what} + ": " + e.what());
  }
}

/// Writes the waiting batches (up to max_group_events) in one transaction and answers each.
void commit_group(self_ptr self) {
  auto& st = self->state;
  st.flush_queued = false;
  std::vector<store_worker_state::waiting> group;
  std::vector<stored_event> events;
  size_t taken = 0;
  while (taken < st.appends.size()
         && (events.empty()
             || events.size() + st.appends[taken].count <= max_group_events)) {
    auto& w = st.appends[taken++];
    events.insert(events.end(), std::make_move_iterator(w.batch.events.begin()),
                  std::make_move_iterator(w.batch.events.end()));
    group.push_back(std::move(w));
  }
  st.appends.erase(st.appends.begin(), st.appends.begin() + static_cast<std::ptrdiff_t>(taken));
  auto started = std::chrono::steady_clock::now();
  try {
    st.db->append_events(events);
    if (st.metrics) {
      st.metrics->store_batch_events.observe(static_cast<double>(events.size()));
      st.metrics->store_write_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    for (auto& w : group)
      w.promise.deliver(static_cast<int64_t>(w.count));
  } catch (const std::exception& e) {
    if (st.metrics)
      st.metrics->store_errors.fetch_add(1, std::memory_order_relaxed);
    if (group.size() == 1) {
      spdlog::error("store: append events ({} events) failed: {}", events.size(), e.what());
      group.front().promise.deliver(
        make_failure(errc::unavailable, std::string{"append events: "} + e.what()));
    } else {
      // One run's batch must not fail the others: each is tried alone (the batches lie one
      // after the other in `events`).
      spdlog::warn("store: a group of {} runs' events failed ({}); writing them one by one",
                   group.size(), e.what());
      auto begin = events.begin();
      for (auto& w : group) {
        auto end = begin + static_cast<std::ptrdiff_t>(w.count);
        try {
          st.db->append_events(std::vector<stored_event>(std::make_move_iterator(begin),
                                                         std::make_move_iterator(end)));
          w.promise.deliver(static_cast<int64_t>(w.count));
        } catch (const std::exception& alone) {
          spdlog::error("store: append events ({} events of run {}) failed: {}", w.count,
                        w.run_id, alone.what());
          w.promise.deliver(
            make_failure(errc::unavailable, std::string{"append events: "} + alone.what()));
        }
        begin = end;
      }
    }
  }
  if (!st.appends.empty()) {
    st.flush_queued = true;
    self->send(self, flush_atom::value);
  }
}

} // namespace

store_worker_actor::behavior_type store_worker(self_ptr self,
                                               std::shared_ptr<persistence::store> db) {
  self->state.db = db;
  return {
    [db](create_atom, const persistence::run_record& run) -> caf::result<bool> {
      return guarded("create run", [&] {
        db->create_run(run);
        return true;
      });
    },
    [self](append_atom, event_batch& batch) -> caf::result<int64_t> {
      auto& st = self->state;
      auto promise = self->make_response_promise<int64_t>();
      auto count = batch.events.size();
      auto run_id = count > 0 ? batch.events.front().run_id : std::string{};
      st.appends.push_back({std::move(batch), count, std::move(run_id), promise});
      // Behind whatever is in the mailbox now: appends that arrive meanwhile join the group.
      if (!st.flush_queued) {
        st.flush_queued = true;
        self->send(self, flush_atom::value);
      }
      return promise;
    },
    [self](flush_atom) { commit_group(self); },
    [db](status_atom, const std::string& run_id, const run_outcome& o) -> caf::result<bool> {
      return guarded("update run status", [&] {
        return db->update_run_status(run_id, o.status, o.content, o.error, now_seconds());
      });
    },
    [db](load_atom, const std::string& run_id, int64_t from,
         uint64_t limit) -> caf::result<event_batch> {
      return guarded("load events", [&] {
        return event_batch{db->load_events(run_id, from, static_cast<size_t>(limit))};
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
