// The event log under faults and load: only stored events are shown, backpressure, store
// outages, eviction, rows lost from the store, expiry with readers.

#include "tests/actors/log_fixture.hpp"

using namespace runcast;
using namespace runcast::actors;
using namespace runcast::actors::log_testing;
using namespace std::chrono_literals;

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

TEST_CASE("a finished log past the node's bound is evicted and its events stay in the store") {
  limits lim;
  // Keep none: every finished log goes as soon as it is stored. (Which log goes first, the
  // least recently used, is log_budget's own test.)
  lim.finished_logs = 0;
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
    fx.create_run();
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
