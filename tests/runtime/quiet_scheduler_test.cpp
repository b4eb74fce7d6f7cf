// runcast's scheduler (runtime/quiet_scheduler.hpp) in a real actor system: actors run on
// its workers (CAF's loop without the log's bookkeeping per job, which its source file
// guarantees at compile time) and set timers on its quiet clock; idle workers sleep until
// there is work, and every way a job can wait behind a busy worker wakes one.

#include "runtime/quiet_clock.hpp"
#include "runtime/quiet_scheduler.hpp"

#include <caf/all.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/worker.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace runcast::runtime;
using namespace std::chrono_literals;

namespace {

/// Whether an actor of `sys` runs on one of CAF's stock work-stealing workers.
bool runs_on_cafs_worker(caf::actor_system& sys) {
  using stock_worker = caf::scheduler::worker<caf::policy::work_stealing>;
  auto probe = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {[self](int) { return dynamic_cast<stock_worker*>(self->context()) != nullptr; }};
  });
  caf::scoped_actor asker{sys};
  bool stock = false;
  bool answered = false;
  asker->request(probe, 10s, 1).receive([&](bool yes) { stock = yes, answered = true; },
                                        [](caf::error&) {});
  asker->send_exit(probe, caf::exit_reason::user_shutdown);
  REQUIRE(answered);
  return stock;
}

} // namespace

TEST_CASE("by default, actors run on CAF's own workers") {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{2});
  caf::actor_system sys{cfg};
  CHECK(runs_on_cafs_worker(sys)); // what the next test tells apart
}

TEST_CASE("with the quiet scheduler, actors run on its workers and time on its clock") {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{2});
  use_quiet_scheduler(cfg);
  caf::actor_system sys{cfg};
  CHECK_FALSE(runs_on_cafs_worker(sys));
  REQUIRE(dynamic_cast<quiet_clock*>(&sys.clock()) != nullptr);
  caf::scoped_actor self{sys};
  auto echo = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](int x) { return x + 1; }};
  });
  int answer = 0;
  self->request(echo, 10s, 41).receive([&](int x) { answer = x; }, [](caf::error&) {});
  CHECK(answer == 42);
  self->send_exit(echo, caf::exit_reason::user_shutdown);
}

namespace {

/// Polls `done` until it holds or 10 s pass.
template <class Predicate>
bool wait_until(Predicate done) {
  auto until = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

/// Two workers whose deep sleeps would last a minute: in these tests a sleeper wakes for
/// work or not at all.
struct sleepy_system {
  std::atomic<bool> flag{false}; // outlives the actors that use it
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::actor setter;
  caf::actor busy;

  sleepy_system()
    : sys{(cfg.set("scheduler.max-threads", size_t{2}),
           use_quiet_scheduler(cfg, std::chrono::minutes{1}), cfg)} {
    setter = sys.spawn([this]() -> caf::behavior { return {[this](int) { flag = true; }}; });
    // On `true` it first sends to `setter` (into its own worker's queue); either way it then
    // keeps its worker until `flag` is set, for at most 5 s, and answers whether it was.
    busy = sys.spawn([this](caf::event_based_actor* self) -> caf::behavior {
      return {[this, self](bool send_first) {
        if (send_first)
          self->send(setter, 1);
        auto until = std::chrono::steady_clock::now() + 5s;
        while (!flag && std::chrono::steady_clock::now() < until)
          std::this_thread::yield();
        return flag.load();
      }};
    });
  }

  ~sleepy_system() {
    caf::anon_send_exit(setter, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(busy, caf::exit_reason::user_shutdown);
  }

  size_t deep_sleepers() {
    return quiet_scheduler_idle_stats(sys).deep_sleepers;
  }
};

} // namespace

TEST_CASE("idle workers sleep until there is work, and again once it is done") {
  sleepy_system s;
  REQUIRE(wait_until([&] { return s.deep_sleepers() == 2; }));
  caf::scoped_actor self{s.sys};
  auto answered = false;
  self->request(s.setter, 10s, 1).receive([&] { answered = true; }, [](caf::error&) {});
  CHECK(answered);
  // Both fall asleep again once there is nothing more.
  CHECK(wait_until([&] { return s.deep_sleepers() == 2; }));
}

TEST_CASE("a job a busy worker enqueues for itself wakes a sleeping worker") {
  sleepy_system s;
  REQUIRE(wait_until([&] { return s.deep_sleepers() == 2; }));
  auto woken = quiet_scheduler_idle_stats(s.sys).woken_for_work;
  caf::scoped_actor self{s.sys};
  bool ran = false;
  // `setter` waits in busy's worker's queue: only the sleeping worker can run it in time.
  self->request(s.busy, 10s, true).receive([&](bool yes) { ran = yes; }, [](caf::error&) {});
  CHECK(ran);
  CHECK(quiet_scheduler_idle_stats(s.sys).woken_for_work > woken);
}

TEST_CASE("a job handed to a busy worker from outside wakes a sleeping worker") {
  sleepy_system s;
  auto noop = s.sys.spawn([]() -> caf::behavior { return {[](int) {}}; });
  REQUIRE(wait_until([&] { return s.deep_sleepers() == 2; }));
  caf::scoped_actor self{s.sys};
  // Jobs from outside go to the workers in turn (CAF's central_enqueue): busy's to one,
  // noop's to the other, setter's to busy's again — queued behind it.
  self->send(s.busy, false);
  caf::anon_send(noop, 1);
  REQUIRE(wait_until([&] { return s.deep_sleepers() == 1; })); // noop's worker again
  caf::anon_send(s.setter, 1);
  bool ran = false;
  self->receive([&](bool yes) { ran = yes; }, caf::after(10s) >> [] {});
  CHECK(ran);
  caf::anon_send_exit(noop, caf::exit_reason::user_shutdown);
}
