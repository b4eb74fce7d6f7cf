#include "actors/write_behind.hpp"

#include <catch2/catch.hpp>

using namespace runcast;
using namespace runcast::actors;
using namespace std::chrono_literals;

namespace {

pending_event event(int64_t index) {
  return {make_frame("id: " + std::to_string(index) + "\n"), index, 0, {}};
}

} // namespace

TEST_CASE("write_behind: batches of at most batch_max, one write in flight, in index order") {
  write_behind w{3, 5000ms};
  for (int64_t i = 0; i < 7; ++i)
    w.push(event(i));
  auto first = w.begin_events();
  REQUIRE(first != nullptr);
  REQUIRE(first->size() == 3);
  CHECK(first->front().index == 0);
  CHECK(w.busy());
  CHECK(w.begin_events() == nullptr); // one in flight
  CHECK(w.events_written() == 3);
  auto second = w.begin_events();
  REQUIRE(second != nullptr);
  CHECK(second->front().index == 3);
  CHECK(w.events_written() == 6);
  REQUIRE(w.begin_events()->size() == 1);
  CHECK(w.events_written() == 7);
  CHECK(w.idle());
  CHECK(w.unwritten() == 0);
}

TEST_CASE("write_behind: the status is written after the events queued before it") {
  write_behind w{10, 5000ms};
  w.push(event(0));
  w.set_status({run_status::completed, std::string{"out"}, std::nullopt});
  CHECK_FALSE(w.begin_status()); // events first
  REQUIRE(w.begin_events() != nullptr);
  CHECK_FALSE(w.begin_status()); // still in flight
  w.events_written();
  auto status = w.begin_status();
  REQUIRE(status);
  CHECK(status->status == run_status::completed);
  CHECK(w.status_written(*status));
  CHECK(w.idle());
}

TEST_CASE("write_behind: a run's end does not replace its RUNNING, which is written first") {
  // A fast run's RUNNING follows its first events and its end follows at once: the store
  // still goes PENDING, RUNNING, COMPLETED.
  write_behind w{10, 5000ms};
  w.push(event(0));
  w.set_status({run_status::running, std::nullopt, std::nullopt});
  w.set_status({run_status::completed, std::string{"out"}, std::nullopt});
  REQUIRE(w.begin_events() != nullptr);
  w.events_written();
  auto first = w.begin_status();
  REQUIRE(first);
  CHECK(first->status == run_status::running);
  CHECK_FALSE(w.status_written(*first));
  auto second = w.begin_status();
  REQUIRE(second);
  CHECK(second->status == run_status::completed);
  CHECK(w.status_written(*second));
  CHECK(w.idle());
}

TEST_CASE("write_behind: a newer status that does not end the run replaces a waiting one") {
  write_behind w{10, 5000ms};
  w.set_status({run_status::running, std::nullopt, std::nullopt});
  auto writing = w.begin_status(); // RUNNING in flight: it stays, the next ones queue
  REQUIRE(writing);
  w.set_status({run_status::paused, std::nullopt, std::nullopt});
  w.set_status({run_status::running, std::nullopt, std::nullopt});
  w.set_status({run_status::error, std::nullopt, std::string{"boom"}});
  w.status_written(*writing);
  std::vector<run_status> order;
  while (auto next = w.begin_status()) {
    order.push_back(next->status);
    w.status_written(*next);
  }
  CHECK(order == std::vector<run_status>{run_status::running, run_status::error});
  CHECK(w.idle());
}

TEST_CASE("write_behind: a failed write is retried first, with a doubling back-off") {
  write_behind w{2, 400ms};
  for (int64_t i = 0; i < 3; ++i)
    w.push(event(i));
  auto t0 = write_behind::clock::now();
  REQUIRE(w.begin_events() != nullptr);
  CHECK(w.failed(t0) == 50ms);
  CHECK(w.failing_since() == t0);
  REQUIRE(w.begin_events()->front().index == 0); // the same batch again
  CHECK(w.failed(t0 + 1s) == 100ms);
  REQUIRE(w.begin_events() != nullptr);
  CHECK(w.failed(t0 + 2s) == 200ms);
  REQUIRE(w.begin_events() != nullptr);
  CHECK(w.failed(t0 + 3s) == 400ms);
  REQUIRE(w.begin_events() != nullptr);
  CHECK(w.failed(t0 + 4s) == 400ms); // capped
  CHECK(w.failing_since() == t0);   // the outage began at the first failure
  CHECK(w.unwritten() == 3);
  REQUIRE(w.begin_events() != nullptr);
  CHECK(w.events_written() == 2);
  CHECK_FALSE(w.failing_since()); // a success ends the outage
}

TEST_CASE("write_behind: unwritten counts queued and in-flight events") {
  write_behind w{1, 5000ms};
  w.push(event(0));
  w.push(event(1));
  CHECK(w.unwritten() == 2);
  REQUIRE(w.begin_events() != nullptr);
  CHECK(w.unwritten() == 2);
  w.events_written();
  CHECK(w.unwritten() == 1);
}
