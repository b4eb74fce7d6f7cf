// The blocking mode's sink (http/completion_sink.hpp) against a subscription that delivers
// from within subscribe and from within credit: a finished run held in memory.

#include "http/completion_sink.hpp"
#include "runtime/snapshot_subscription.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

using namespace runcast;

TEST_CASE("a completion sink credits what came before its subscription and sees the end") {
  actors::frozen_frames held;
  for (int i = 0; i < 100; ++i)
    held.frames.push_back(make_frame("id: " + std::to_string(i) + "\ndata: x\n\n"));
  node_metrics metrics;
  std::atomic<int> ends{0};
  auto sink = std::make_shared<http::completion_sink>([&] { ends += 1; });
  auto sub = std::make_shared<runtime::snapshot_subscription>(
    std::make_shared<const actors::frozen_frames>(std::move(held)), 0, 8, sink, metrics);
  sub->start(nullptr); // a window of 8 delivered before the sink knows its subscription
  CHECK(ends == 0);
  // Crediting those 8 delivers the rest through the sink, which credits again: it must not
  // hold its own lock meanwhile. On a thread of its own, so a deadlock fails the test.
  std::promise<void> done;
  std::thread{[&done, sink, sub] {
    sink->set_subscription(sub);
    done.set_value();
  }}.detach();
  REQUIRE(done.get_future().wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  CHECK(ends == 1);
  CHECK(metrics.subscribers(node_metrics::subscriber_kind::local) == 0);
}
