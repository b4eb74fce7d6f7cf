// The event log: indices, memory bounds, replays, subscribers, retention.

#include "tests/actors/log_fixture.hpp"

using namespace runcast;
using namespace runcast::actors;
using namespace runcast::actors::log_testing;
using namespace std::chrono_literals;

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

TEST_CASE("retention: a finished, persisted log quits when the budget ends its retention") {
  limits lim;
  lim.retention = 100ms;
  log_fixture fx{lim};
  fx.self->monitor(fx.log);
  fx.publish(3);
  fx.finish();
  // Retained once persisted; the run manager's sweep is what calls expire in a node.
  REQUIRE(test::eventually([&] { return fx.budget->read().finished_logs == 1; }, 5s));
  CHECK(fx.budget->expire(log_budget::clock_type::now()) == 0); // not yet
  CHECK(fx.budget->expire(log_budget::clock_type::now() + lim.retention) == 1);
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
