// A local client reading a finished run's frames itself (runtime/snapshot_subscription.hpp):
// the window, credits, the end, and a client that leaves.

#include "runtime/snapshot_subscription.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace runcast;
using namespace runcast::runtime;

namespace {

/// A sink that records what it is told (called on the test's thread here).
class recording_sink : public frame_sink {
public:
  void on_not_found(const std::string&) override {
    not_found = true;
  }
  void on_frames(std::vector<frame_ptr> frames) override {
    batches += 1;
    for (auto& f : frames)
      got.push_back(f->str());
  }
  void on_end(frame_ptr last, bool abort) override {
    ends += 1;
    ended_with = last;
    aborted = abort;
  }

  std::vector<std::string> got;
  int batches = 0;
  int ends = 0;
  frame_ptr ended_with;
  bool aborted = false;
  bool not_found = false;
};

/// A finished run's frames "e<first>".."e<end-1>", indices from `first`.
std::shared_ptr<const actors::frozen_frames> frames(int64_t first, int64_t end) {
  actors::frozen_frames f;
  f.first = first;
  for (auto i = first; i < end; ++i)
    f.frames.push_back(make_frame("e" + std::to_string(i)));
  return std::make_shared<const actors::frozen_frames>(std::move(f));
}

int64_t local_subscribers(const node_metrics& m) {
  return m.subscribers(node_metrics::subscriber_kind::local);
}

} // namespace

TEST_CASE("a snapshot subscription sends a window, more as credits come, then the end") {
  node_metrics metrics;
  auto sink = std::make_shared<recording_sink>();
  auto held = frames(0, 10);
  snapshot_subscription sub{held, 2, 4, sink, metrics};
  CHECK(local_subscribers(metrics) == 1);
  sub.start(make_frame("meta"));
  // The meta frame counts in the window, as it does for the log.
  REQUIRE(sink->got == std::vector<std::string>{"meta", "e2", "e3", "e4"});
  sub.credit(1);
  CHECK(sink->got.back() == "e5");
  sub.credit(3);
  REQUIRE(sink->got.size() == 8);
  CHECK(sink->got.back() == "e8");
  CHECK(sink->ends == 0);
  sub.credit(4); // one frame left: it goes, and the subscription ends
  CHECK(sink->got.back() == "e9");
  CHECK(sink->ends == 1);
  CHECK_FALSE(sink->ended_with);
  CHECK_FALSE(sink->aborted);
  CHECK(local_subscribers(metrics) == 0);
  CHECK(held.use_count() == 1); // over: it holds the frames no longer
  sub.credit(4);
  sub.close();
  CHECK(sink->ends == 1);
  CHECK(sink->got.size() == 9); // the meta frame and e2..e9
  CHECK(local_subscribers(metrics) == 0);
}

TEST_CASE("a snapshot subscription's first delivery is short, the first credit opens the rest") {
  node_metrics metrics;
  auto sink = std::make_shared<recording_sink>();
  snapshot_subscription sub{frames(0, 100), 0, 64, sink, metrics};
  sub.start(make_frame("meta"));
  // A client's first event waits for these only (each frame handed over is touched).
  REQUIRE(sink->got.size() == snapshot_subscription::first_window);
  CHECK(sink->got.front() == "meta");
  CHECK(sink->got.back() == "e14");
  sub.credit(1);
  // The window: 64 in flight, of which 15 were not credited.
  REQUIRE(sink->got.size() == 1 + 64);
  CHECK(sink->got.back() == "e63");
  sub.credit(64);
  CHECK(sink->got.size() == 101);
  CHECK(sink->ends == 1);
}

TEST_CASE("a snapshot subscription from the end sends its meta frame and ends") {
  node_metrics metrics;
  auto sink = std::make_shared<recording_sink>();
  snapshot_subscription sub{frames(3, 6), 99, 8, sink, metrics};
  sub.start(make_frame("meta"));
  CHECK(sink->got == std::vector<std::string>{"meta"});
  CHECK(sink->ends == 1);
  CHECK(local_subscribers(metrics) == 0);
}

TEST_CASE("a closed snapshot subscription sends nothing more and lets go of the frames") {
  node_metrics metrics;
  auto sink = std::make_shared<recording_sink>();
  auto held = frames(5, 20);
  {
    snapshot_subscription sub{held, 5, 3, sink, metrics};
    sub.start(nullptr);
    REQUIRE(sink->got == std::vector<std::string>{"e5", "e6", "e7"});
    sub.close();
    CHECK(held.use_count() == 1);
    CHECK(local_subscribers(metrics) == 0);
    sub.credit(3);
  }
  CHECK(sink->got.size() == 3);
  CHECK(sink->ends == 0); // the client left: nobody to tell
  CHECK(local_subscribers(metrics) == 0); // counted once, destruction included
}

namespace {

/// A sink that credits what it is given at once, from within on_frames (as the embedding
/// API's does).
class crediting_sink : public frame_sink {
public:
  void on_not_found(const std::string&) override {
  }
  void on_frames(std::vector<frame_ptr> frames) override {
    got += frames.size();
    if (auto s = sub.lock())
      s->credit(frames.size());
  }
  void on_end(frame_ptr, bool) override {
    ends += 1;
  }

  std::weak_ptr<subscription> sub;
  size_t got = 0;
  int ends = 0;
};

} // namespace

TEST_CASE("a sink that credits from within on_frames gets every frame, in windows") {
  node_metrics metrics;
  auto sink = std::make_shared<crediting_sink>();
  auto sub = std::make_shared<snapshot_subscription>(frames(0, 1000), 0, 16, sink, metrics);
  sink->sub = sub;
  sub->start(nullptr); // would deadlock if the sink were called under the lock
  CHECK(sink->got == 1000);
  CHECK(sink->ends == 1);
  CHECK(local_subscribers(metrics) == 0);
}
