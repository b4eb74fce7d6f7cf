#pragma once

// What the event log's tests share: a real SQLite store behind a store actor the test can
// take down, one event log, and a subscriber's view of the frames it gets.

#include "actors/errors.hpp"
#include "actors/event_log.hpp"
#include "actors/event_log_state.hpp"
#include "actors/log_directory.hpp"
#include "actors/store_worker.hpp"
#include "actors/type_ids.hpp"
#include "persistence/store.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace runcast::actors::log_testing {

using namespace std::chrono_literals;

/// The real store actor behind a switch the test turns: while it is down, writes fail at
/// once, as a store that lost its database answers; reads always go through.
inline store_actor::behavior_type switched_store(store_actor::pointer self, store_actor real,
                                          std::shared_ptr<std::atomic<bool>> down) {
  return {
    [=](create_atom, persistence::run_record& run) -> caf::result<bool> {
      return self->delegate(real, create_atom::value, std::move(run));
    },
    [=](append_atom, pending_batch& batch) -> caf::result<int64_t> {
      if (*down)
        return make_failure(errc::unavailable, "append events: the test took the store down");
      return self->delegate(real, append_atom::value, std::move(batch));
    },
    [=](status_atom, std::string& run_id, run_outcome& o) -> caf::result<bool> {
      if (*down)
        return make_failure(errc::unavailable, "update run status: the test took it down");
      return self->delegate(real, status_atom::value, std::move(run_id), std::move(o));
    },
    [=](load_atom, std::string& run_id, int64_t from, uint64_t n) -> caf::result<event_batch> {
      return self->delegate(real, load_atom::value, std::move(run_id), from, n);
    },
  };
}

/// An actor system, a real SQLite store behind its store actor, and one event log.
struct log_fixture {
  explicit log_fixture(limits l = {}) : lim(l), sys(cfg), self(sys) {
    db = persistence::open_store("sqlite:" + dir.file("log.db").string());
    real_store = sys.spawn<caf::detached>(store_worker, db);
    store = sys.spawn(switched_store, real_store, store_down);
    budget = std::make_shared<log_budget>(lim.node_unpersisted_bytes, lim.finished_logs,
                                          lim.finished_bytes, lim.retention);
    create_run();
    log = sys.spawn(event_log, event_context{"r1", "s1", "agents", "echo", "Echo"}, lim,
                    log_services{store, store, budget, std::make_shared<node_metrics>(),
                                 directory});
    list_until_exit(directory, identity(), log); // as the run manager does
  }

  /// The log's run: "r1" of session "s1".
  static persistence::run_record identity() {
    persistence::run_record run;
    run.run_id = "r1";
    run.session_id = "s1";
    run.kind = "agents";
    run.component_id = "echo";
    run.owner_node = "n1";
    return run;
  }

  /// Stores the log's run.
  void create_run() {
    db->create_run(identity());
  }

  ~log_fixture() {
    self->send_exit(log, caf::exit_reason::user_shutdown);
    self->send_exit(store, caf::exit_reason::user_shutdown);
    self->send_exit(real_store, caf::exit_reason::user_shutdown);
  }

  void publish(int n, const std::string& prefix = "w") {
    draft_batch b;
    for (int i = 0; i < n; ++i)
      b.events.push_back({"RunContent", prefix + std::to_string(i)});
    self->send(log, publish_atom::value, std::move(b));
  }

  void finish(run_status st = run_status::completed) {
    self->send(log, status_atom::value, run_outcome{st, std::string{"done"}, std::nullopt});
  }

  log_stats stats() {
    log_stats out;
    self->request(log, 5s, stats_atom::value)
      .receive([&](log_stats& s) { out = s; }, [](caf::error&) { FAIL("stats failed"); });
    return out;
  }

  /// Waits (bounded) until the store holds `n` events.
  void await_persisted(int64_t n) {
    REQUIRE(test::eventually([&] { return stats().persisted >= n; }, 5s));
    REQUIRE(stats().persisted == n);
  }

  subscription_info subscribe(caf::scoped_actor& sub, int64_t from, bool meta) {
    subscription_info out;
    sub->request(log, 5s, subscribe_atom::value, from, meta)
      .receive([&](subscription_info& i) { out = i; },
               [](caf::error&) { FAIL("subscribe failed"); });
    return out;
  }

  test::temp_dir dir;
  limits lim;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  std::shared_ptr<persistence::store> db;
  std::shared_ptr<std::atomic<bool>> store_down = std::make_shared<std::atomic<bool>>(false);
  store_actor real_store;
  store_actor store;
  std::shared_ptr<log_budget> budget;
  std::shared_ptr<log_directory> directory = std::make_shared<log_directory>();
  event_log_actor log;
};

/// What a subscriber saw: frames (as text) and how it ended.
struct received {
  std::vector<std::string> frames;
  bool ended = false;
  bool aborted = false;
};

/// Receives frames until `n` frames arrived or the subscription ended (bounded by `timeout`).
/// Credits each batch back when `credit` is set.
inline received receive_frames(caf::scoped_actor& sub, const event_log_actor& log, size_t n,
                               bool credit,
                               std::chrono::milliseconds timeout = 5s) {
  received r;
  bool timed_out = false;
  while (!r.ended && !timed_out && r.frames.size() < n) {
    sub->receive(
      [&](frames_atom, frame_batch& b) {
        for (auto& f : b.frames)
          r.frames.push_back(f->str());
        if (credit)
          sub->send(log, credit_atom::value, static_cast<uint64_t>(b.frames.size()));
      },
      [&](end_atom, frame_ptr& last, bool abort) {
        if (last)
          r.frames.push_back(last->str());
        r.ended = true;
        r.aborted = abort;
      },
      caf::after(timeout) >> [&] { timed_out = true; });
  }
  return r;
}

/// The `id:` of an event frame, or -1 for a meta frame.
inline int64_t frame_id(const std::string& frame) {
  if (frame.rfind("id: ", 0) != 0)
    return -1;
  return std::stoll(frame.substr(4, frame.find('\n') - 4));
}

inline std::string frame_event(const std::string& frame) {
  auto at = frame.find("event: ");
  return frame.substr(at + 7, frame.find('\n', at) - at - 7);
}


} // namespace runcast::actors::log_testing
