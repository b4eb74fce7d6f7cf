// The store side of the runtime's face: reads and session operations, run on the store
// threads. No CAF here (engine.cpp holds the actor side).

#include "runtime/engine.hpp"

#include "persistence/store.hpp"
#include "runtime/store_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace runcast::runtime {

namespace {

failure run_not_found(const std::string& run_id) {
  return {errc::not_found, "Run " + run_id + " not found"};
}

failure session_not_found(const std::string& session_id) {
  return {errc::not_found, "Session " + session_id + " not found"};
}

} // namespace

template <class T, class Work>
void engine::on_store(callback<T> done, Work work) {
  pool_->post([done = std::move(done), work = std::move(work)]() mutable {
    std::optional<outcome<T>> result;
    try {
      result.emplace(work());
    } catch (const persistence::store_error& e) {
      spdlog::error("store: {}", e.what());
      result.emplace(failure{errc::unavailable, "the store is unavailable; try again"});
    } catch (const std::exception& e) {
      // A bug, not an outage: answered (never left hanging) and logged once, here.
      spdlog::error("store call failed unexpectedly: {}", e.what());
      result.emplace(failure{errc::internal, "internal error"});
    }
    done(std::move(*result));
  });
}

bool may_see(const run_record& run, const run_ref& ref, const access& who) {
  return authorize(run, who)
         && (ref.kind.empty() || (run.kind == ref.kind && run.component_id == ref.component_id));
}

void engine::find_run(run_ref ref, access who, callback<run_record> done) {
  on_store(std::move(done),
           [this, ref = std::move(ref), who = std::move(who)]() -> outcome<run_record> {
    auto run = db_->find_run(ref.run_id);
    if (!run || !may_see(*run, ref, who))
      return run_not_found(ref.run_id);
    return std::move(*run);
  });
}

void engine::list_runs(run_query q, callback<std::vector<run_record>> done) {
  on_store(std::move(done), [this, q = std::move(q)]() -> outcome<std::vector<run_record>> {
    // Listing is reading: without the session there is nothing this caller may see.
    if (!q.who.session_id || q.who.session_id->empty())
      return std::vector<run_record>{};
    run_filter filter;
    filter.kind = q.kind;
    filter.component_id = q.component_id;
    filter.session_id = q.who.session_id;
    // The same rule as authorize(): a named user sees only that user's runs. Filtered in
    // the query, so pages stay full and offsets count only what the caller may see.
    if (q.who.user_id && !q.who.user_id->empty())
      filter.user_id = q.who.user_id;
    filter.status = q.status;
    filter.limit = q.limit;
    filter.offset = q.offset;
    return db_->list_runs(filter);
  });
}

void engine::read_history(const std::string& session_id, const std::string& before, size_t n,
                          std::function<void(std::vector<actors::past_run>)> done) {
  pool_->post([this, session_id, before, n, done = std::move(done)] {
    std::vector<actors::past_run> out;
    try {
      run_filter filter;
      filter.session_id = session_id;
      filter.status = run_status::completed;
      filter.top_level_only = true; // a team's members are not the conversation
      filter.limit = n + 1; // the run itself is not completed; one spare for safety
      for (auto& r : db_->list_runs(filter)) // newest first
        if (r.run_id != before && out.size() < n)
          out.push_back({std::move(r.input), r.content.value_or("")});
    } catch (const std::exception& e) {
      spdlog::warn("run {}: cannot read the history of session {}: {}", before, session_id,
                   e.what());
      out.clear();
    }
    std::reverse(out.begin(), out.end());
    done(std::move(out));
  });
}

void engine::load_events(const std::string& run_id, int64_t from, size_t limit,
                         callback<std::vector<stored_event>> done) {
  on_store(std::move(done), [this, run_id, from, limit]() -> outcome<std::vector<stored_event>> {
    return db_->load_events(run_id, from, limit);
  });
}

void engine::load_frames(const std::string& run_id, int64_t from, size_t limit,
                         callback<std::vector<stored_frame>> done) {
  on_store(std::move(done), [this, run_id, from, limit]() -> outcome<std::vector<stored_frame>> {
    return db_->load_frames(run_id, from, limit);
  });
}

void engine::next_event_index(const std::string& run_id, callback<int64_t> done) {
  on_store(std::move(done),
           [this, run_id]() -> outcome<int64_t> { return db_->next_event_index(run_id); });
}

void engine::list_sessions(session_filter filter, callback<session_page> done) {
  on_store(std::move(done), [this, filter = std::move(filter)]() -> outcome<session_page> {
    return db_->list_sessions(filter);
  });
}

void engine::find_session(const std::string& session_id, callback<session_record> done) {
  on_store(std::move(done), [this, session_id]() -> outcome<session_record> {
    auto r = db_->find_session(session_id);
    if (!r)
      return session_not_found(session_id);
    return std::move(*r);
  });
}

void engine::list_session_runs(const std::string& session_id, run_filter filter,
                               callback<std::vector<run_record>> done) {
  filter.session_id = session_id;
  on_store(std::move(done),
           [this, session_id, filter = std::move(filter)]() -> outcome<std::vector<run_record>> {
             if (!db_->find_session(session_id))
               return session_not_found(session_id);
             return db_->list_runs(filter);
           });
}

void engine::delete_session(const std::string& session_id, callback<bool> done) {
  on_store(std::move(done), [this, session_id]() -> outcome<bool> {
    if (!db_->find_session(session_id))
      return session_not_found(session_id);
    // Live runs are cancelled first and given a moment to end: deleting rows under a run
    // that still writes would leave its last events orphaned.
    run_filter live;
    live.session_id = session_id;
    live.limit = 10'000;
    auto any_live = [&](bool cancel) {
      bool found = false;
      for (const auto& run : db_->list_runs(live))
        if (!is_terminal(run.status)) {
          found = true;
          if (cancel)
            cancel_on_owner(run.run_id, run.owner_node);
        }
      return found;
    };
    bool live_runs = any_live(true);
    auto deadline = std::chrono::steady_clock::now() + lim().session_delete_wait;
    while (live_runs && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds{20}); // a store thread, not I/O
      live_runs = any_live(false);
    }
    if (live_runs)
      return failure{errc::conflict,
                     "Session " + session_id + " still has running runs; try again"};
    db_->delete_session(session_id);
    forget_session_runs(session_id);
    return true;
  });
}

void engine::health(callback<health_info> done) {
  switch (health_probe_->join(done)) {
    case single_flight<health_info>::role::wait:
      return;
    case single_flight<health_info>::role::refused:
      return done(failure{errc::unavailable, "too many health probes waiting"});
    case single_flight<health_info>::role::start:
      break;
  }
  auto land = [probe = health_probe_](outcome<health_info> h) { probe->land(h); };
  peers([this, land](std::vector<std::string> live) mutable {
    auto probe = [this, live = std::move(live)]() -> outcome<health_info> {
      db_->find_run("health-probe"); // any read proves the store answers; the id cannot exist
      return health_info{node_id(), live, draining()};
    };
    on_store(callback<health_info>{land}, std::move(probe));
  });
}

const component_registry& engine::components() const {
  return components_;
}

} // namespace runcast::runtime
