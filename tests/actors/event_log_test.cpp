#include "actors/event_log.hpp"

#include "actors/type_ids.hpp"
#include "actors/event_log_state.hpp"
#include "actors/errors.hpp"
#include "actors/store_worker.hpp"
#include "persistence/store.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

using namespace runcast;
using namespace runcast::actors;
using namespace std::chrono_literals;

namespace {

/// The real store actor behind a switch the test turns: while it is down, writes fail at
/// once, as a store that lost its database answers; reads always go through.
store_actor::behavior_type switched_store(store_actor::pointer self, store_actor real,
                                          std::shared_ptr<std::atomic<bool>> down) {
  return {
    [=](create_atom, persistence::run_record& run) -> caf::result<bool> {
      return self->delegate(real, create_atom::value, std::move(run));
    },
    [=](append_atom, event_batch& batch) -> caf::result<int64_t> {
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
                                          lim.finished_bytes);
    persistence::run_record run;
    run.run_id = "r1";
    run.session_id = "s1";
    run.kind = "agents";
    run.component_id = "echo";
    run.owner_node = "n1";
    db->create_run(run);
    log = sys.spawn(event_log, event_context{"r1", "s1", "agents", "echo", "Echo"}, lim,
                    log_services{store, store, budget});
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
      .receive([&](subscription_info& i) { out = i; }, [](caf::error&) { FAIL("subscribe failed"); });
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
received receive_frames(caf::scoped_actor& sub, const event_log_actor& log, size_t n, bool credit,
                        std::chrono::milliseconds timeout = 5s) {
  received r;
  bool timed_out = false;
  while (!r.ended && !timed_out && r.frames.size() < n) {
    sub->receive(
      [&](frames_atom, frame_batch& b) {
        for (auto& f : b.frames)
          r.frames.push_back(*f);
        if (credit)
          sub->send(log, credit_atom::value, static_cast<uint64_t>(b.frames.size()));
      },
      [&](end_atom, frame_ptr& last, bool abort) {
        if (last)
          r.frames.push_back(*last);
        r.ended = true;
        r.aborted = abort;
      },
      caf::after(timeout) >> [&] { timed_out = true; });
  }
  return r;
}

/// The `id:` of an event frame, or -1 for a meta frame.
int64_t frame_id(const std::string& frame) {
  if (frame.rfind("id: ", 0) != 0)
    return -1;
  return std::stoll(frame.substr(4, frame.find('\n') - 4));
}

std::string frame_event(const std::string& frame) {
  auto at = frame.find("event: ");
  return frame.substr(at + 7, frame.find('\n', at) - at - 7);
}

} // namespace

TEST_CASE("indices are dense from 0 across batches and reach a subscriber in order") {
  log_fixture fx;
  fx.publish(3);
  fx.publish(1);
  fx.publish(5);
  caf::scoped_actor sub{fx.sys};
  auto info = fx.subscribe(sub, 0, false);
  CHECK(info.from == 0);
  auto got = receive_frames(sub, fx.log, 9, true);
  REQUIRE(got.frames.size() == 9);
  for (int64_t i = 0; i < 9; ++i)
    CHECK(frame_id(got.frames[i]) == i);
  CHECK(got.frames[0].find("\"content\":\"w0\"") != std::string::npos);
  CHECK(got.frames[0].find("\"event_index\":0}") != std::string::npos);
}

TEST_CASE("a subscriber may join at any index and gets exactly the rest, then live events") {
  log_fixture fx;
  fx.publish(10);
  fx.await_persisted(10); // only stored events are shown
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 6, true);
  auto got = receive_frames(sub, fx.log, 6, true);
  REQUIRE(got.frames.size() == 6);
  CHECK(frame_event(got.frames[0]) == "catch_up");
  CHECK(got.frames[0].find("\"missed_events\":4") != std::string::npos);
  for (int i = 0; i < 4; ++i)
    CHECK(frame_id(got.frames[1 + i]) == 6 + i);
  CHECK(frame_event(got.frames[5]) == "subscribed");
  // Live tail: new events follow, each once.
  fx.publish(2, "live");
  auto live = receive_frames(sub, fx.log, 2, true);
  REQUIRE(live.frames.size() == 2);
  CHECK(frame_id(live.frames[0]) == 10);
  CHECK(frame_id(live.frames[1]) == 11);
}

TEST_CASE("an index beyond the end is clamped: nothing missed, live from the head") {
  log_fixture fx;
  fx.publish(3);
  fx.await_persisted(3);
  caf::scoped_actor sub{fx.sys};
  auto info = fx.subscribe(sub, 99, true);
  CHECK(info.from == 3);
  auto got = receive_frames(sub, fx.log, 2, true);
  REQUIRE(got.frames.size() == 2);
  CHECK(got.frames[0].find("\"missed_events\":0") != std::string::npos);
  CHECK(frame_event(got.frames[1]) == "subscribed");
}

TEST_CASE("memory keeps at most retain_events frames, only persisted ones are dropped, and the "
          "store serves what memory let go") {
  limits lim;
  lim.retain_events = 10;
  log_fixture fx{lim};
  fx.publish(100);
  fx.await_persisted(100);
  auto st = fx.stats();
  CHECK(st.frames == 10);
  CHECK(st.first_in_memory == 90);
  CHECK(st.next_index == 100);
  // A subscriber from 0 gets 0..89 from the store and 90..99 from memory, identical order.
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, false);
  auto got = receive_frames(sub, fx.log, 100, true);
  REQUIRE(got.frames.size() == 100);
  for (int64_t i = 0; i < 100; ++i)
    REQUIRE(frame_id(got.frames[i]) == i);
}

TEST_CASE("memory stays within retain_bytes") {
  limits lim;
  lim.retain_bytes = 4096;
  log_fixture fx{lim};
  fx.publish(200);
  fx.await_persisted(200);
  auto st = fx.stats();
  CHECK(st.bytes <= 4096);
  CHECK(st.frames < 200);
  CHECK(st.frames > 0);
}

TEST_CASE("replays from memory and from the store are byte-identical") {
  limits lim;
  lim.retain_events = 5;
  log_fixture fx{lim};
  caf::scoped_actor early{fx.sys};
  fx.subscribe(early, 0, false); // live subscriber: every frame comes from memory
  fx.publish(20);
  auto from_memory = receive_frames(early, fx.log, 20, true);
  fx.await_persisted(20);
  caf::scoped_actor late{fx.sys};
  fx.subscribe(late, 0, false);
  auto from_store = receive_frames(late, fx.log, 20, true);
  REQUIRE(from_memory.frames.size() == 20);
  REQUIRE(from_store.frames.size() == 20);
  CHECK(from_memory.frames == from_store.frames);
}

TEST_CASE("a finished run ends its subscribers once its status is persisted") {
  log_fixture fx;
  fx.publish(2);
  fx.finish();
  REQUIRE(test::eventually([&] { return fx.stats().finished_persisted; }, 5s));
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, true);
  auto got = receive_frames(sub, fx.log, 100, true);
  CHECK(got.ended);
  CHECK_FALSE(got.aborted);
  REQUIRE(got.frames.size() == 3);
  CHECK(frame_event(got.frames[0]) == "replay");
  CHECK(got.frames[0].find("\"status\":\"COMPLETED\"") != std::string::npos);
  auto run = fx.db->find_run("r1");
  REQUIRE(run);
  CHECK(run->status == run_status::completed);
  CHECK(run->content == std::string{"done"});
  CHECK(fx.db->load_events("r1", 0, 100).size() == 2);
  CHECK(fx.db->next_event_index("r1") == 2);
}

TEST_CASE("a subscriber that never credits is held to its window, then cut off") {
  limits lim;
  lim.subscriber_window = 4;
  lim.stall_timeout = 200ms;
  log_fixture fx{lim};
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, false);
  fx.publish(50);
  auto got = receive_frames(sub, fx.log, 100, false, 5s);
  CHECK(got.ended);
  CHECK(got.aborted);
  CHECK(got.frames.size() == 4); // never more than its window
  CHECK(fx.stats().subscribers == 0);
}

TEST_CASE("a crediting subscriber with a small window still gets everything") {
  limits lim;
  lim.subscriber_window = 3;
  log_fixture fx{lim};
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, false);
  fx.publish(40);
  auto got = receive_frames(sub, fx.log, 40, true);
  REQUIRE(got.frames.size() == 40);
  CHECK(frame_id(got.frames.back()) == 39);
}

TEST_CASE("retention: after the run ends and is persisted, the log quits") {
  limits lim;
  lim.retention = 100ms;
  log_fixture fx{lim};
  fx.self->monitor(fx.log);
  fx.publish(3);
  fx.finish();
  bool down = false;
  fx.self->receive([&](caf::down_msg&) { down = true; }, caf::after(5s) >> [] {});
  CHECK(down);
  CHECK(fx.db->load_events("r1", 0, 100).size() == 3);
  CHECK(fx.db->next_event_index("r1") == 3);
}

TEST_CASE("a run actor that dies without a final status ends the run with RunError") {
  log_fixture fx;
  auto fake_run = fx.sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](int) {}};
  });
  fx.self->send(fx.log, watch_atom::value, fake_run);
  fx.publish(1);
  fx.self->send_exit(fake_run, caf::exit_reason::kill);
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, false);
  auto got = receive_frames(sub, fx.log, 10, true);
  CHECK(got.ended);
  REQUIRE(got.frames.size() == 2);
  CHECK(frame_event(got.frames[1]) == "RunError");
  CHECK(fx.db->find_run("r1")->status == run_status::error);
}

TEST_CASE("an event is shown to no subscriber before the store holds it") {
  log_fixture fx;
  *fx.store_down = true;
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, false);
  fx.publish(3);
  // The writes fail: nothing may reach the subscriber (a crash now would lose these events,
  // so no client may have seen their indices).
  auto early = receive_frames(sub, fx.log, 1, true, 300ms);
  CHECK(early.frames.empty());
  CHECK(fx.stats().persisted == 0);
  *fx.store_down = false; // the retry writes them; then they are shown
  auto got = receive_frames(sub, fx.log, 3, true);
  REQUIRE(got.frames.size() == 3);
  CHECK(frame_id(got.frames[0]) == 0);
  CHECK(frame_id(got.frames[2]) == 2);
  CHECK(fx.db->load_events("r1", 0, 10).size() == 3);
}

TEST_CASE("past the unpersisted bound the producer is paused, and resumed once stored") {
  limits lim;
  lim.unpersisted_bytes = 2048;
  log_fixture fx{lim};
  caf::scoped_actor run{fx.sys};
  run->send(fx.log, watch_atom::value, caf::actor{run});
  *fx.store_down = true;
  fx.publish(40, std::string(100, 'x'));
  bool paused = false;
  run->receive([&](pause_atom, bool p) { paused = p; },
               caf::after(5s) >> [] { FAIL("no pause within 5 s"); });
  CHECK(paused);
  CHECK(fx.budget->read().pauses == 1);
  CHECK(fx.budget->read().unpersisted_bytes > 2048);
  *fx.store_down = false;
  bool resumed = false;
  run->receive([&](pause_atom, bool p) { resumed = !p; },
               caf::after(5s) >> [] { FAIL("no resume within 5 s"); });
  CHECK(resumed);
  fx.await_persisted(40);
  CHECK(fx.budget->read().unpersisted_bytes == 0);
}

TEST_CASE("a store outage longer than the limit fails the run, whose end is stored once the "
          "store is back") {
  limits lim;
  lim.store_outage = 300ms;
  lim.store_retry_max = 100ms;
  log_fixture fx{lim};
  caf::scoped_actor run{fx.sys};
  run->send(fx.log, watch_atom::value, caf::actor{run});
  *fx.store_down = true;
  fx.publish(5);
  std::string why;
  bool failed = false;
  while (!failed) {
    run->receive([&](fail_atom, std::string& w) { failed = true; why = w; },
                 [&](pause_atom, bool) {},
                 caf::after(5s) >> [&] { FAIL("the run was not failed within 5 s"); });
  }
  CHECK_THAT(why, Catch::StartsWith("store unavailable"));
  CHECK(fx.budget->read().store_failures == 1);
  // The run actor ends the run as usual: its last event and status go to the log.
  run->send(fx.log, publish_atom::value, draft_batch{{{"RunError", why}}});
  run->send(fx.log, status_atom::value, run_outcome{run_status::error, std::nullopt, why});
  *fx.store_down = false;
  REQUIRE(test::eventually([&] { return fx.stats().finished_persisted; }, 5s));
  auto stored = fx.db->load_events("r1", 0, 100);
  REQUIRE(stored.size() == 6);
  CHECK(stored.back().type == "RunError");
  CHECK(fx.db->find_run("r1")->status == run_status::error);
}

TEST_CASE("finished logs past the node's bound are evicted, least recently used first") {
  limits lim;
  lim.finished_logs = 0; // keep none: every finished log goes as soon as it is stored
  log_fixture fx{lim};
  fx.publish(2);
  fx.finish();
  caf::scoped_actor watcher{fx.sys};
  watcher->monitor(fx.log);
  bool down = false;
  watcher->receive([&](caf::down_msg&) { down = true; },
                   caf::after(5s) >> [] { FAIL("the log was not evicted within 5 s"); });
  CHECK(down);
  CHECK(fx.budget->read().evictions == 1);
  CHECK(fx.budget->read().finished_logs == 0);
  CHECK(fx.db->load_events("r1", 0, 10).size() == 2);
}

TEST_CASE("a subscriber behind memory is told about rows the store lost") {
  limits lim;
  lim.retain_events = 5;
  log_fixture fx{lim};
  fx.publish(20);
  fx.await_persisted(20);
  // Lose rows 3..6 behind the log's back (memory holds 15..19 only).
  {
    auto events = fx.db->load_events("r1", 0, 100);
    fx.db->delete_session("s1"); // drops everything, then the test puts back all but 3..6
    persistence::run_record run;
    run.run_id = "r1";
    run.session_id = "s1";
    run.kind = "agents";
    run.component_id = "echo";
    run.owner_node = "n1";
    fx.db->create_run(run);
    std::vector<stored_event> kept;
    for (auto& ev : events)
      if (ev.index < 3 || ev.index > 6)
        kept.push_back(ev);
    fx.db->append_events(kept);
  }
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, true);
  auto got = receive_frames(sub, fx.log, 100, true, 1s);
  std::vector<int64_t> ids;
  std::string gap;
  for (auto& f : got.frames) {
    ids.push_back(frame_id(f));
    if (f.find("\"gap\"") != std::string::npos)
      gap = f;
  }
  CHECK(gap.find("\"gap\":{\"from\":3,\"to\":6}") != std::string::npos);
  std::vector<int64_t> events;
  for (auto i : ids)
    if (i >= 0)
      events.push_back(i);
  REQUIRE(events.size() == 16);
  CHECK(events[2] == 2);
  CHECK(events[3] == 7);
  CHECK(events.back() == 19);
}

TEST_CASE("an expired log serves the subscribers it has to the end from the store, then quits") {
  limits lim;
  lim.retain_events = 5;
  lim.subscriber_window = 10;
  log_fixture fx{lim};
  fx.publish(50);
  fx.finish();
  REQUIRE(test::eventually([&] { return fx.stats().finished_persisted; }, 5s));
  caf::scoped_actor sub{fx.sys};
  fx.subscribe(sub, 0, false);
  auto first = receive_frames(sub, fx.log, 10, false); // a full window, not credited yet
  REQUIRE(first.frames.size() == 10);
  caf::scoped_actor watcher{fx.sys};
  watcher->monitor(fx.log);
  // Retention ends (or the node evicts the log) while the subscriber is in the middle.
  caf::anon_send(caf::actor_cast<caf::actor>(fx.log), expire_atom::value);
  sub->send(fx.log, credit_atom::value, uint64_t{10});
  auto rest = receive_frames(sub, fx.log, 100, true);
  CHECK(rest.ended);
  CHECK_FALSE(rest.aborted);
  REQUIRE(rest.frames.size() == 40);
  CHECK(frame_id(rest.frames.front()) == 10);
  CHECK(frame_id(rest.frames.back()) == 49);
  bool down = false;
  watcher->receive([&](caf::down_msg&) { down = true; },
                   caf::after(5s) >> [] { FAIL("the log did not quit after its last reader"); });
  CHECK(down);
}
