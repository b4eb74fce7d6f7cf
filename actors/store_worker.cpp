#include "actors/store_worker.hpp"

#include "actors/errors.hpp"
#include "core/ids.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::actors {

namespace {

/// Runs one store operation, turning a store_error into a runcast error (logged once, here).
template <class F>
auto guarded(const char* what, F&& f) -> caf::result<decltype(f())> {
  try {
    return f();
  } catch (const persistence::store_error& e) {
    spdlog::error("store: {} failed: {}", what, e.what());
    return make_failure(errc::unavailable, std::string{what} + ": " + e.what());
  }
}

} // namespace

store_actor::behavior_type store_worker(store_actor::pointer,
                                        std::shared_ptr<persistence::store> db) {
  return {
    [db](create_atom, const persistence::run_record& run) -> caf::result<bool> {
      return guarded("create run", [&] {
        db->create_run(run);
        return true;
      });
    },
    [db](append_atom, const event_batch& batch) -> caf::result<int64_t> {
      return guarded("append events", [&] {
        db->append_events(batch.events);
        return static_cast<int64_t>(batch.events.size());
      });
    },
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

} // namespace runcast::actors
