// The run manager under load and at its end, on CAF's deterministic scheduler: shutdown
// with a grace, the live and starting bounds, drain.

#include "tests/actors/manager_fixture.hpp"

#include "runnables/echo_runnable.hpp"

using namespace runcast;
using namespace runcast::actors;
using namespace std::chrono_literals;
using runcast::test::idle_runnable;
using runcast::test::manager_fixture;

TEST_CASE("shutdown ends live runs ERROR and answers once their logs are persisted") {
  manager_fixture fx;
  auto idle = std::make_shared<idle_runnable>();
  fx.start(fx.spec("r1", idle));
  fx.start(fx.spec("r2", std::make_shared<runnables::echo_runnable>("a b", 1000ms)));
  bool done = false;
  auto rh = fx.self->request(fx.manager, 5s, shutdown_atom::value, int64_t{0});
  fx.advance(2ms); // the grace (none) ends: the runs end ERROR
  fx.advance(2ms); // the group commit of their last events
  rh.receive([&](bool ok) { done = ok; }, [](caf::error& err) { FAIL(to_string(err)); });
  CHECK(done);
  CHECK(idle->stopped);
  for (auto id : {"r1", "r2"}) {
    auto [run, types] = fx.stored(id);
    CHECK(run.status == run_status::error);
    CHECK(types.back() == "RunError");
  }
  // A start after shutdown is refused with runcast's own error.
  auto refused = fx.self->request(fx.manager, 5s, start_atom::value, fx.spec("r3", idle));
  fx.run();
  refused.receive([](bool) { FAIL("started during shutdown"); },
                  [](caf::error& err) { CHECK(err.category() == caf::atom("runcast")); });
}

TEST_CASE("shutdown lets live runs finish within the grace and ends the rest ERROR") {
  manager_fixture fx;
  auto idle = std::make_shared<idle_runnable>();
  fx.start(fx.spec("idle", idle));
  fx.start(fx.spec("quick", std::make_shared<runnables::echo_runnable>("a b c", 10ms)));
  bool done = false;
  auto rh = fx.self->request(fx.manager, 5s, shutdown_atom::value, int64_t{500});
  for (int i = 0; i < 20; ++i) // 200 ms: the echo run's words are out, it completes
    fx.advance(10ms);
  CHECK(fx.stored("quick").first.status == run_status::completed);
  CHECK(fx.stored("idle").first.status == run_status::running);
  CHECK_FALSE(idle->stopped);
  // A start during the grace is refused: the node is draining.
  auto refused = fx.self->request(fx.manager, 5s, start_atom::value, fx.spec("late", idle));
  fx.run();
  refused.receive([](bool) { FAIL("started during shutdown"); },
                  [](caf::error& err) {
                    CHECK(static_cast<errc>(err.code()) == errc::shutting_down);
                  });
  fx.advance(400ms); // the grace is over (it began when the manager took the request)
  fx.advance(2ms);   // the last group commit
  rh.receive([&](bool ok) { done = ok; }, [](caf::error& err) { FAIL(to_string(err)); });
  CHECK(done);
  CHECK(idle->stopped);
  auto [run, types] = fx.stored("idle");
  CHECK(run.status == run_status::error);
  CHECK(types.back() == "RunError");
}

TEST_CASE("starts past max_live_runs or max_starting_runs are refused as overloaded") {
  limits l;
  l.max_live_runs = 2;
  manager_fixture fx{l};
  fx.start(fx.spec("r1", std::make_shared<idle_runnable>()));
  fx.start(fx.spec("r2", std::make_shared<idle_runnable>()));
  auto refused = fx.self->request(fx.manager, 5s, start_atom::value,
                                  fx.spec("r3", std::make_shared<idle_runnable>()));
  fx.run();
  refused.receive([](bool) { FAIL("started past max_live_runs"); },
                  [](caf::error& err) {
                    CHECK(static_cast<errc>(err.code()) == errc::overloaded);
                  });
  CHECK_FALSE(fx.db->find_run("r3")); // nothing stored
  // A place frees when a run ends.
  CHECK(fx.cancel("r1") == cancel_result::cancelled);
  fx.start(fx.spec("r4", std::make_shared<idle_runnable>()));

  limits one;
  one.max_starting_runs = 1;
  manager_fixture fy{one};
  // Two starts before the store has answered either: the second is refused.
  auto first = fy.self->request(fy.manager, 5s, start_atom::value,
                                fy.spec("a", std::make_shared<idle_runnable>()));
  auto second = fy.self->request(fy.manager, 5s, start_atom::value,
                                 fy.spec("b", std::make_shared<idle_runnable>()));
  fy.run();
  first.receive([](bool ok) { CHECK(ok); }, [](caf::error& err) { FAIL(to_string(err)); });
  second.receive([](bool) { FAIL("two starts at once past max_starting_runs"); },
                 [](caf::error& err) {
                   CHECK(static_cast<errc>(err.code()) == errc::overloaded);
                 });
}

TEST_CASE("a drained manager refuses starts and lets its live runs go on") {
  manager_fixture fx;
  fx.start(fx.spec("r1", std::make_shared<runnables::echo_runnable>("a b", 10ms)));
  auto drained = fx.self->request(fx.manager, 5s, drain_atom::value);
  fx.run();
  drained.receive([](bool ok) { CHECK(ok); }, [](caf::error& err) { FAIL(to_string(err)); });
  auto refused = fx.self->request(fx.manager, 5s, start_atom::value,
                                  fx.spec("r2", std::make_shared<idle_runnable>()));
  fx.run();
  refused.receive([](bool) { FAIL("started while draining"); },
                  [](caf::error& err) {
                    CHECK(static_cast<errc>(err.code()) == errc::draining);
                  });
  for (int i = 0; i < 20; ++i)
    fx.advance(10ms);
  CHECK(fx.stored("r1").first.status == run_status::completed);
}


TEST_CASE("a manager that stops abnormally stops the logs it holds") {
  // The manager holds no links to its logs (CAF 0.17 removes an ended link by walking all
  // of them); it stops them itself. A log would otherwise outlive it until its retention.
  manager_fixture fx;
  fx.start(fx.spec("r1", std::make_shared<runnables::echo_runnable>("a", 0ms)));
  fx.start(fx.spec("r2", std::make_shared<idle_runnable>()));
  std::vector<event_log_actor> logs;
  for (const char* id : {"r1", "r2"}) {
    auto found = fx.self->request(fx.manager, 5s, lookup_atom::value, std::string{id});
    fx.run();
    found.receive([&](event_log_actor& log) { logs.push_back(log); },
                  [](caf::error& err) { FAIL(to_string(err)); });
  }
  REQUIRE(logs.size() == 2);
  fx.self->send_exit(fx.manager, caf::exit_reason::kill);
  fx.run();
  // A stopped log refuses the request at once; a live one would answer it.
  int stopped = 0;
  for (auto& log : logs) {
    REQUIRE(log);
    auto asked = fx.self->request(log, 5s, stats_atom::value);
    fx.run();
    asked.receive([](log_stats&) { FAIL("a log outlived its manager"); },
                  [&](caf::error&) { ++stopped; });
  }
  CHECK(stopped == 2);
}
