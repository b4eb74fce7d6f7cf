// CAF's clock without a wake-up per ending actor (runtime/quiet_clock.hpp), in a real actor
// system with the scheduler that runs it (runtime/quiet_scheduler.hpp).

#include "runtime/quiet_clock.hpp"
#include "runtime/quiet_scheduler.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <chrono>

using namespace runcast::runtime;
using namespace std::chrono_literals;

namespace {

struct quiet_system {
  caf::actor_system_config cfg;
  caf::actor_system sys;

  quiet_system() : sys{(cfg.set("scheduler.max-threads", size_t{2}),
                        use_quiet_scheduler(cfg), cfg)} {}

  quiet_clock& clock() {
    return dynamic_cast<quiet_clock&>(sys.clock());
  }
};

/// Replies to nothing: a request to it can only time out.
caf::behavior silent(caf::event_based_actor*) {
  return {[](int) -> caf::result<int> { return caf::delegated<int>{}; }};
}

} // namespace

TEST_CASE("actors that never set a timeout end without a message to the clock's thread") {
  quiet_system q;
  for (int i = 0; i < 100; ++i)
    q.sys.spawn([](caf::event_based_actor* self) { self->quit(); });
  q.sys.await_all_actors_done();
  CHECK(q.clock().cancellations_passed() == 0);
  CHECK(q.clock().actors_with_timeouts() == 0);
  // The clock still runs timers: a delayed message arrives, through its thread.
  caf::scoped_actor self{q.sys};
  self->delayed_send(self, 10ms, 42);
  bool arrived = false;
  self->receive([&](int x) { arrived = x == 42; }, caf::after(10s) >> [] {});
  CHECK(arrived);
}

TEST_CASE("a request timeout fires, and an actor that set one has it dropped when it ends") {
  quiet_system q;
  auto dead_end = q.sys.spawn(silent);
  caf::scoped_actor self{q.sys};
  // One actor whose request times out: the clock's thread fires it.
  auto asker = q.sys.spawn([dead_end, reply_to = caf::actor{self}](
                             caf::event_based_actor* a) {
    a->request(dead_end, 20ms, 1).then([](int) {}, [a, reply_to](caf::error& err) {
      a->send(reply_to, err == caf::sec::request_timeout);
      a->quit();
    });
  });
  bool timed_out = false;
  self->receive([&](bool yes) { timed_out = yes; }, caf::after(10s) >> [] {});
  CHECK(timed_out);
  // One whose request is still pending when it is stopped: its timeout must be dropped.
  auto waiting = q.sys.spawn([dead_end](caf::event_based_actor* a) {
    a->request(dead_end, std::chrono::seconds{3600}, 1).then([](int) {});
  });
  self->send_exit(waiting, caf::exit_reason::user_shutdown);
  self->send_exit(dead_end, caf::exit_reason::user_shutdown);
  self->wait_for(asker, waiting, dead_end);
  // Their cancellations follow their ends (CAF wakes `wait_for` first): wait for them.
  REQUIRE(q.clock().await_cancellations_passed(2, std::chrono::seconds{10}));
  CHECK(q.clock().cancellations_passed() == 2);
  CHECK(q.clock().actors_with_timeouts() == 0);
}
