#include "actors/flow_window.hpp"

#include <catch2/catch.hpp>

using namespace runcast::actors;
using namespace std::chrono_literals;

TEST_CASE("flow_window: room shrinks with frames sent and grows with credits") {
  flow_window w{4};
  CHECK(w.room() == 4);
  w.sent(3);
  CHECK(w.room() == 1);
  w.credited(2);
  CHECK(w.room() == 3);
  w.credited(10); // never below zero in flight
  CHECK(w.in_flight() == 0);
  CHECK(w.room() == 4);
}

TEST_CASE("flow_window: blocked only while frames wait behind a full window, stalled after "
          "the timeout") {
  flow_window w{2};
  auto t0 = flow_window::clock::now();
  w.update(true, t0);
  CHECK_FALSE(w.blocked()); // room left: not held back
  w.sent(2);
  w.update(false, t0);
  CHECK_FALSE(w.blocked()); // full, but nothing waits
  w.update(true, t0);
  CHECK(w.blocked());
  w.update(true, t0 + 5s); // still blocked: the start stays
  CHECK_FALSE(w.stalled(t0 + 9s, 10s));
  CHECK(w.stalled(t0 + 10s, 10s));
  w.credited(1);
  w.update(true, t0 + 11s);
  CHECK_FALSE(w.blocked());
  CHECK_FALSE(w.stalled(t0 + 60s, 10s));
}
