// The step pacer (actors/step_pacer.hpp), on CAF's deterministic scheduler: one CAF timer for
// many waits, a wait ends on the next tick of its grid (125 µs or 1 ms), a run that is gone
// is not stepped, a step runnable's run goes through it from start to end, and the runs
// go on through a new pacer should it stop — or on timers of their own when pacers keep
// stopping.

#include "actors/step_pacer.hpp"
#include "tests/actors/manager_fixture.hpp"

#include "runnables/echo_runnable.hpp"

#include <memory>

using namespace runcast;
using namespace runcast::actors;
using namespace std::chrono_literals;
using runcast::test::manager_fixture;
using time_point = caf::actor_clock::time_point;

namespace {

/// An actor that counts the steps it is given.
steppable_actor::behavior_type stepped(steppable_actor::pointer, std::shared_ptr<int> count) {
  return {[count](step_atom) { ++*count; }};
}

/// The pacer the run manager gives runs now (invalid: none, runs use CAF timers), once the
/// manager has handled what it was sent (and has started: the test scheduler runs an
/// actor's behaviour function only when it runs the actor).
step_pacer_actor current_pacer(manager_fixture& fx) {
  fx.run();
  using manager_impl = caf::stateful_actor<run_manager_state, run_manager_actor::base>;
  auto* m = dynamic_cast<manager_impl*>(caf::actor_cast<caf::abstract_actor*>(fx.manager));
  REQUIRE(m != nullptr);
  return m->state.env.pacer;
}

/// Stops the pacer the manager gives runs now, as a fault would, and lets the manager hear.
void kill_pacer(manager_fixture& fx) {
  auto pacer = current_pacer(fx);
  REQUIRE(pacer);
  fx.self->send_exit(pacer, caf::exit_reason::kill);
  fx.run();
}

struct pacer_fixture : test::deterministic_system {
  pacer_fixture() : pacer(sys.spawn(step_pacer)) {
  }

  ~pacer_fixture() {
    self->send_exit(pacer, caf::exit_reason::user_shutdown);
    run();
  }

  /// Asks the pacer to step `who` after `wait`.
  void wake(const steppable_actor& who, caf::timespan wait) {
    ask(who, wait);
    run();
  }

  /// Asks without running the pacer: the request waits in its mailbox.
  void ask(const steppable_actor& who, caf::timespan wait) {
    auto now = caf::timespan{sched.clock().now().time_since_epoch()};
    self->send(pacer, step_atom::value, who.address(), now, wait);
  }

  /// CAF timers set (the pacer's, here).
  size_t timers() {
    return sched.clock().schedule().size();
  }

  step_pacer_actor pacer;
};

} // namespace

TEST_CASE("a wait ends on the next tick of its grid, at most an eighth later than asked") {
  auto at = time_point{} + 5'000'123'456ns;
  CHECK(pacer_due(at, 500us) == at + 500us); // under a millisecond: no grid
  CHECK(pacer_due(at, 1ms) == time_point{} + 5'001'125us);
  CHECK(pacer_due(at, 7ms) == time_point{} + 5'007'125us);
  CHECK(pacer_due(at, 8ms) == time_point{} + 5'009ms);
  CHECK(pacer_due(at, 20ms) == time_point{} + 5'021ms);
  // Never before it was asked for, never more than an eighth of the wait after.
  for (caf::timespan wait : {1ms, 2ms, 7ms, 8ms, 9ms, 20ms, 1000ms}) {
    auto due = pacer_due(at, wait);
    CHECK(due >= at + wait);
    CHECK(due - (at + wait) <= wait / 8);
  }
  auto whole = time_point{} + 7'000ms;
  CHECK(pacer_due(whole, 20ms) == whole + 20ms); // already on a tick
  CHECK(pacer_due(whole, 3ms) == whole + 3ms);
}

TEST_CASE("many waits share one CAF timer and each is stepped once when due") {
  pacer_fixture fx;
  auto count = std::make_shared<int>(0);
  std::vector<steppable_actor> runs;
  for (int i = 0; i < 100; ++i) {
    runs.push_back(fx.sys.spawn(stepped, count));
    fx.wake(runs.back(), 20ms);
  }
  CHECK(fx.timers() == 1);
  fx.advance(19ms);
  CHECK(*count == 0);
  fx.advance(2ms); // past the due time, rounded up to a whole millisecond
  CHECK(*count == 100);
  CHECK(fx.timers() == 0);
  fx.advance(100ms);
  CHECK(*count == 100); // once each
  for (auto& r : runs)
    fx.self->send_exit(r, caf::exit_reason::user_shutdown);
}

TEST_CASE("an earlier wait sets an earlier timer, and the later ones are stepped after it") {
  pacer_fixture fx;
  auto late = std::make_shared<int>(0);
  auto early = std::make_shared<int>(0);
  auto a = fx.sys.spawn(stepped, late);
  auto b = fx.sys.spawn(stepped, early);
  fx.wake(a, 50ms);
  fx.wake(b, 2ms);
  fx.advance(3ms); // past 2 ms and its tick
  CHECK(*early == 1);
  CHECK(*late == 0);
  fx.advance(46ms);
  CHECK(*late == 0);
  fx.advance(2ms);
  CHECK(*late == 1);
  fx.self->send_exit(a, caf::exit_reason::user_shutdown);
  fx.self->send_exit(b, caf::exit_reason::user_shutdown);
}

TEST_CASE("a wait counts from when it was asked, not from when the pacer read it") {
  pacer_fixture fx;
  auto count = std::make_shared<int>(0);
  auto run = fx.sys.spawn(stepped, count);
  fx.ask(run, 20ms);
  fx.sched.clock().advance_time(15ms); // the request still unread by the pacer
  fx.run();
  fx.advance(6ms); // 21 ms after it was asked: past its due time and its tick
  CHECK(*count == 1);
  fx.self->send_exit(run, caf::exit_reason::user_shutdown);
}

TEST_CASE("a run that is gone when its wait ends does not keep the others from their steps") {
  pacer_fixture fx;
  auto count = std::make_shared<int>(0);
  auto gone = fx.sys.spawn(stepped, count);
  auto kept = fx.sys.spawn(stepped, count);
  fx.wake(gone, 10ms);
  fx.wake(kept, 10ms);
  fx.self->send_exit(gone, caf::exit_reason::kill);
  gone = nullptr; // the pacer holds no reference that keeps it
  fx.run();
  fx.advance(12ms);
  CHECK(*count == 1);
  fx.self->send_exit(kept, caf::exit_reason::user_shutdown);
}

TEST_CASE("a step runnable's run waits on the pacer between its steps and completes") {
  manager_fixture fx({}, true);
  auto echo = std::make_shared<runnables::echo_runnable>("one two three", 100ms);
  fx.start(fx.spec("r1", echo));
  fx.advance(2ms); // the group commit
  CHECK(fx.stored("r1").second == std::vector<std::string>{"RunStarted", "RunContent"});
  fx.advance(99ms);
  fx.advance(2ms);
  fx.advance(2ms);
  CHECK(fx.stored("r1").second.size() == 3);
  fx.advance(100ms);
  fx.advance(2ms);
  auto [run, types] = fx.stored("r1");
  CHECK(types
        == std::vector<std::string>{"RunStarted", "RunContent", "RunContent", "RunContent",
                                    "RunCompleted"});
  CHECK(run.status == run_status::completed);
  CHECK(run.content == std::string{"one two three"});
}

TEST_CASE("paced runs go on when the pacer stops: the manager gives them a new one") {
  manager_fixture fx({}, true);
  fx.start(fx.spec("long", std::make_shared<runnables::echo_runnable>("one two", 10ms)));
  fx.start(fx.spec("short", std::make_shared<runnables::echo_runnable>("one two", 2ms)));
  fx.advance(1ms);
  CHECK(fx.stored("long").second.size() == 2);
  CHECK(fx.stored("short").second.size() == 2);
  // Both runs' waits are with the pacer when it stops: they would never end (tried).
  fx.self->send_exit(fx.pacer, caf::exit_reason::kill);
  fx.run();
  for (int i = 0; i < 10; ++i)
    fx.advance(10ms);
  auto expected = std::vector<std::string>{"RunStarted", "RunContent", "RunContent",
                                           "RunCompleted"};
  for (const auto* id : {"long", "short"}) {
    auto [run, types] = fx.stored(id);
    CHECK(types == expected);
    CHECK(run.status == run_status::completed);
  }
  // And a run started after the change waits on the new pacer.
  fx.start(fx.spec("later", std::make_shared<runnables::echo_runnable>("one two", 5ms)));
  for (int i = 0; i < 5; ++i)
    fx.advance(5ms);
  CHECK(fx.stored("later").second == expected);
}

TEST_CASE("a pacer stopped on purpose is not replaced: its runs take no further step") {
  // A shutdown stops the pacer (user_shutdown) and the runs with it. Also what shows that a
  // paced run's steps come from the pacer and not from timers of its own.
  manager_fixture fx({}, true);
  fx.start(fx.spec("long", std::make_shared<runnables::echo_runnable>("one two", 10ms)));
  fx.advance(1ms);
  CHECK(fx.stored("long").second.size() == 2);
  fx.self->send_exit(fx.pacer, caf::exit_reason::user_shutdown);
  fx.run();
  for (int i = 0; i < 10; ++i)
    fx.advance(10ms);
  CHECK(fx.stored("long").second.size() == 2);
  CHECK(fx.cancel("long") == cancel_result::cancelled); // a cancel still ends it
}

TEST_CASE("a paced run's short waits end within a tick of their due time") {
  manager_fixture fx({}, true);
  fx.start(fx.spec("r1", std::make_shared<runnables::echo_runnable>("one two", 5ms)));
  fx.advance(2ms);
  CHECK(fx.stored("r1").second.size() == 2);
  fx.advance(3ms); // 5 ms
  fx.advance(1ms); // its tick, within 125 µs of it
  fx.advance(2ms);
  CHECK(fx.stored("r1").second.size() == 4); // the word and the end
  CHECK(fx.stored("r1").first.status == run_status::completed);
}

TEST_CASE("a pacer that keeps stopping is replaced thrice a minute, then runs use timers") {
  manager_fixture fx({}, true);
  fx.start(fx.spec("long", std::make_shared<runnables::echo_runnable>("a b c d e", 10ms)));
  fx.advance(1ms);
  CHECK(fx.stored("long").second.size() == 2);
  for (size_t i = 0; i < max_pacer_restarts; ++i) {
    auto before = current_pacer(fx);
    kill_pacer(fx);
    auto now = current_pacer(fx);
    CHECK(now);
    CHECK(now != before);
  }
  kill_pacer(fx); // the fourth time within the minute: no new pacer
  CHECK_FALSE(current_pacer(fx));
  // The run's wait, held by the last pacer, is asked of a timer of its own: it ends.
  for (int i = 0; i < 10; ++i)
    fx.advance(10ms);
  auto [run, types] = fx.stored("long");
  CHECK(types.size() == 7); // started, five words, completed
  CHECK(run.status == run_status::completed);
  // A run started after it waits on timers too.
  fx.start(fx.spec("later", std::make_shared<runnables::echo_runnable>("one two", 5ms)));
  for (int i = 0; i < 5; ++i)
    fx.advance(5ms);
  CHECK(fx.stored("later").second.size() == 4);
}

TEST_CASE("a pacer that stops less often than thrice a minute is replaced every time") {
  manager_fixture fx({}, true);
  for (size_t i = 0; i < max_pacer_restarts + 2; ++i) {
    kill_pacer(fx);
    CHECK(current_pacer(fx));
    fx.sched.clock().advance_time(std::chrono::seconds{pacer_restart_window} / 3 + 1s);
  }
}
