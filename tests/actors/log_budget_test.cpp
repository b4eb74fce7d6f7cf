#include "actors/log_budget.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace runcast::actors;

TEST_CASE("log_budget: unpersisted bytes across logs, with a relief point at half the bound") {
  log_budget b{1000, 10, 1 << 20};
  b.add_unpersisted(600);
  CHECK_FALSE(b.unpersisted_over());
  b.add_unpersisted(600);
  CHECK(b.unpersisted_over());
  b.add_unpersisted(-600);
  CHECK_FALSE(b.unpersisted_over());
  CHECK_FALSE(b.unpersisted_relieved()); // 600 > 500
  b.add_unpersisted(-200);
  CHECK(b.unpersisted_relieved());
  CHECK(b.read().unpersisted_bytes == 400);
}

TEST_CASE("log_budget: finished logs past the count bound are evicted least recently used "
          "first") {
  log_budget b{1000, 2, 1 << 20};
  std::vector<std::string> evicted;
  auto now = log_budget::clock_type::now();
  auto k1 = b.retain(10, [&] { evicted.push_back("a"); }, now);
  auto k2 = b.retain(10, [&] { evicted.push_back("b"); }, now);
  b.touch(k1); // a is now more recent than b
  b.retain(10, [&] { evicted.push_back("c"); }, now);
  REQUIRE(evicted == std::vector<std::string>{"b"});
  b.release(k2); // already gone: no effect
  b.release(k1);
  auto f = b.read();
  CHECK(f.finished_logs == 1);
  CHECK(f.finished_bytes == 10);
  CHECK(f.evictions == 1);
}

TEST_CASE("log_budget: finished logs past the byte bound are evicted until it holds") {
  log_budget b{1000, 100, 100};
  int evictions = 0;
  for (int i = 0; i < 5; ++i)
    b.retain(40, [&] { ++evictions; }, log_budget::clock_type::now());
  auto f = b.read();
  CHECK(f.finished_bytes <= 100);
  CHECK(f.finished_logs == 2);
  CHECK(evictions == 3);
  CHECK(f.evictions == 3);
}

TEST_CASE("log_budget: a single log bigger than the byte bound does not stay") {
  log_budget b{1000, 100, 100};
  bool gone = false;
  b.retain(500, [&] { gone = true; }, log_budget::clock_type::now());
  CHECK(gone);
  CHECK(b.read().finished_logs == 0);
}

TEST_CASE("log_budget: a finished log goes once it has been retained for the retention") {
  using namespace std::chrono_literals;
  log_budget b{1000, 100, 1 << 20, 100ms};
  auto t0 = log_budget::clock_type::now();
  std::vector<std::string> expired;
  b.retain(10, [&] { expired.push_back("a"); }, t0);
  auto kb = b.retain(10, [&] { expired.push_back("b"); }, t0 + 50ms);
  b.touch(kb); // use does not extend the retention
  CHECK(b.expire(t0 + 99ms) == 0);
  CHECK(b.expire(t0 + 100ms) == 1);
  CHECK(expired == std::vector<std::string>{"a"});
  // A retain expires what is due too, without waiting for the next sweep.
  b.retain(10, [&] { expired.push_back("c"); }, t0 + 150ms);
  CHECK(expired == std::vector<std::string>{"a", "b"});
  auto f = b.read();
  CHECK(f.finished_logs == 1);
  CHECK(f.finished_bytes == 10);
  CHECK(f.evictions == 0); // expiry is not eviction
}

TEST_CASE("log_budget: with a retention of zero a finished log goes at once") {
  log_budget b{1000, 100, 1 << 20, std::chrono::milliseconds{0}};
  bool gone = false;
  auto key = b.retain(10, [&] { gone = true; }, log_budget::clock_type::now());
  CHECK(gone);
  CHECK(b.read().finished_logs == 0);
  b.release(key); // the log's own release afterwards is harmless
  CHECK(b.read().finished_bytes == 0);
}
