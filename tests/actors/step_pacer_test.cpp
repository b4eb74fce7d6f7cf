// The step pacer (actors/step_pacer.hpp), on CAF's deterministic scheduler: one CAF timer for
// many waits, a wait ends when asked (short) or on the next millisecond (long), a run that is
// gone is not stepped, and a step runnable's run goes through it from start to end.

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

struct pacer_fixture : test::deterministic_system {
  pacer_fixture() : pacer(sys.spawn(step_pacer)) {
  }

  ~pacer_fixture() {
    self->send_exit(pacer, caf::exit_reason::user_shutdown);
    run();
  }

  /// Asks the pacer to step `who` after `wait`.
  void wake(const steppable_actor& who, caf::timespan wait) {
    self->send(pacer, step_atom::value, who.address(), wait);
    run();
  }

  /// CAF timers set (the pacer's, here).
  size_t timers() {
    return sched.clock().schedule().size();
  }

  step_pacer_actor pacer;
};

} // namespace

TEST_CASE("a short wait ends when asked and a long one on the next whole millisecond") {
  auto at = time_point{} + 5'000'123'456ns;
  CHECK(pacer_due(at, 1ms) == at + 1ms);
  CHECK(pacer_due(at, 7ms) == at + 7ms);
  CHECK(pacer_due(at, 8ms) == time_point{} + 5'009ms);
  CHECK(pacer_due(at, 20ms) == time_point{} + 5'021ms);
  // Never before it was asked for, never more than a millisecond after.
  for (auto wait : {8ms, 9ms, 20ms, 1000ms}) {
    auto due = pacer_due(at, wait);
    CHECK(due >= at + wait);
    CHECK(due - (at + wait) < 1ms);
  }
  auto whole = time_point{} + 7'000ms;
  CHECK(pacer_due(whole, 20ms) == whole + 20ms); // already on a millisecond
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
  fx.wake(b, 2ms); // short: exact
  fx.advance(2ms);
  CHECK(*early == 1);
  CHECK(*late == 0);
  fx.advance(47ms);
  CHECK(*late == 0);
  fx.advance(2ms);
  CHECK(*late == 1);
  fx.self->send_exit(a, caf::exit_reason::user_shutdown);
  fx.self->send_exit(b, caf::exit_reason::user_shutdown);
}

TEST_CASE("a run that is gone when its wait ends is not stepped, and the others are") {
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

TEST_CASE("a paced run's steps come from the pacer: without it, it takes no further step") {
  manager_fixture fx({}, true);
  fx.start(fx.spec("r1", std::make_shared<runnables::echo_runnable>("one two", 10ms)));
  fx.advance(2ms);
  CHECK(fx.stored("r1").second.size() == 2);
  fx.self->send_exit(fx.pacer, caf::exit_reason::kill);
  fx.run();
  for (int i = 0; i < 10; ++i)
    fx.advance(10ms);
  CHECK(fx.stored("r1").second.size() == 2);
  CHECK(fx.cancel("r1") == cancel_result::cancelled); // a cancel still ends it
}

TEST_CASE("a run's short waits are its own CAF timers, to the millisecond asked") {
  manager_fixture fx({}, true);
  fx.self->send_exit(fx.pacer, caf::exit_reason::kill); // not needed for these
  fx.run();
  fx.start(fx.spec("r1", std::make_shared<runnables::echo_runnable>("one two", 5ms)));
  fx.advance(2ms);
  CHECK(fx.stored("r1").second.size() == 2);
  fx.advance(3ms); // 5 ms: the next word
  fx.advance(2ms);
  CHECK(fx.stored("r1").second.size() == 4); // the word and the end
  CHECK(fx.stored("r1").first.status == run_status::completed);
}
