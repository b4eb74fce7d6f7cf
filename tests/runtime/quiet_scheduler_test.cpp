// runcast's scheduler (runtime/quiet_scheduler.hpp) in a real actor system: actors run on
// its workers (CAF's loop without the log's bookkeeping per job, which its source file
// guarantees at compile time) and set timers on its quiet clock.

#include "runtime/quiet_clock.hpp"
#include "runtime/quiet_scheduler.hpp"

#include <caf/all.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/worker.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
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

/// Two workers on the quiet scheduler with `idle`, waiting as runcast's engine configures
/// them: no spinning or polling, a 1 ms wait.
void quiet_two_workers(caf::actor_system_config& cfg, idle_sleep idle) {
  cfg.set("scheduler.max-threads", size_t{2});
  use_quiet_scheduler(cfg, idle);
  cfg.set("work-stealing.aggressive-poll-attempts", size_t{0});
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{1ms});
}

/// Whether both of `sys`'s two workers are in an idle worker's long wait, waited for with a
/// bound of 20 s (a condition, not a timing).
bool both_workers_idle(caf::actor_system& sys) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (idle_workers(sys) < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  return idle_workers(sys) == 2;
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

TEST_CASE("an idle worker sleeps long, and a job from outside still wakes it at once") {
  caf::actor_system_config cfg;
  // Idle from the first wait that finds nothing, and an idle wait of ten minutes: a worker
  // that a job from outside did not wake would let the request below time out.
  quiet_two_workers(cfg, idle_sleep{1ms, 10min});
  caf::actor_system sys{cfg};
  auto echo = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](int x) { return x + 1; }};
  });
  caf::scoped_actor self{sys};
  for (int round = 0; round < 4; ++round) {
    REQUIRE(both_workers_idle(sys));
    int answer = 0;
    self->request(echo, 30s, round).receive([&](int x) { answer = x; }, [](caf::error&) {});
    CHECK(answer == round + 1);
  }
  self->send_exit(echo, caf::exit_reason::user_shutdown);
}

TEST_CASE("a timer firing now and then does not keep the workers from their long wait") {
  caf::actor_system_config cfg;
  quiet_two_workers(cfg, idle_sleep{200ms, 10min});
  caf::actor_system sys{cfg};
  // Fires every 20 ms: each worker finds a tick only after a sleep, and is done with it at
  // once. Were every job to end a worker's quiet time, neither would reach its long wait.
  auto ticker = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    self->send(self, caf::tick_atom::value);
    return {[self](caf::tick_atom) { self->delayed_send(self, 20ms, caf::tick_atom::value); }};
  });
  CHECK(both_workers_idle(sys));
  caf::anon_send_exit(ticker, caf::exit_reason::user_shutdown);
}

TEST_CASE("jobs that would wait behind a busy worker wake an idle one to take them") {
  caf::actor_system_config cfg;
  quiet_two_workers(cfg, idle_sleep{1ms, 10min});
  caf::actor_system sys{cfg};
  auto ran = std::make_shared<std::atomic<int>>(0);
  auto marker = [&sys, ran] {
    return sys.spawn([ran](caf::event_based_actor*) -> caf::behavior {
      return {[ran](int) { ++*ran; }};
    });
  };
  auto first = marker();
  auto second = marker();
  // Sends to both markers — two jobs queued on its own worker — and keeps that worker busy
  // until both have run: only the other worker, idle in a ten-minute wait, can run them. It
  // is woken for the first; the second it must go on stealing for.
  auto busy = sys.spawn([first, second, ran](caf::event_based_actor* self) -> caf::behavior {
    return {[self, first, second, ran](int) {
      self->send(first, 1);
      self->send(second, 1);
      auto deadline = std::chrono::steady_clock::now() + 30s;
      while (ran->load() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
      return ran->load();
    }};
  });
  REQUIRE(both_workers_idle(sys));
  caf::scoped_actor self{sys};
  int answered = 0;
  self->request(busy, 60s, 1).receive([&](int n) { answered = n; }, [](caf::error&) {});
  CHECK(answered == 2);
  for (const auto& a : {busy, first, second})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}
