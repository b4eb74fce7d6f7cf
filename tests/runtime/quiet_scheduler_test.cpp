// runcast's scheduler (runtime/quiet_scheduler.hpp) in a real actor system: actors run on
// its workers (CAF's loop without the log's bookkeeping per job, which its source file
// guarantees at compile time) and set timers on its quiet clock.

#include "runtime/quiet_clock.hpp"
#include "runtime/quiet_scheduler.hpp"

#include <caf/all.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/worker.hpp>

#include <catch2/catch.hpp>

#include <chrono>

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
