#include "runnables/bench_runnable.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

using runcast::runnables::bench_runnable;
using namespace std::chrono_literals;

namespace {

/// Takes steps until the last, waiting each step's delay as the run actor would; returns
/// every event's content.
std::vector<std::string> run_all(bench_runnable& r, std::vector<runcast::actors::step>* steps) {
  std::vector<std::string> contents;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    auto s = r.next();
    std::this_thread::sleep_for(s.delay);
    for (auto& e : s.events)
      contents.push_back(*e.content);
    if (steps)
      steps->push_back(s);
    if (s.last)
      return contents;
  }
  FAIL("the bench runnable never finished");
  return contents;
}

} // namespace

TEST_CASE("the bench runnable emits exactly its events, each of its size and stamped") {
  bench_runnable r{{5000, 100, 0, 0ms}, "RunContent"};
  auto before = std::chrono::system_clock::now().time_since_epoch();
  auto contents = run_all(r, nullptr);
  auto after = std::chrono::system_clock::now().time_since_epoch();
  REQUIRE(contents.size() == 5000);
  for (const auto& c : contents) {
    REQUIRE(c.size() == 100);
    REQUIRE(c.rfind("ts=", 0) == 0);
    auto ns = std::strtoll(c.c_str() + 3, nullptr, 10);
    REQUIRE(ns >= std::chrono::duration_cast<std::chrono::nanoseconds>(before).count());
    REQUIRE(ns <= std::chrono::duration_cast<std::chrono::nanoseconds>(after).count());
  }
}

TEST_CASE("a paced bench run waits between steps and first waits wait_ms") {
  std::vector<runcast::actors::step> steps;
  bench_runnable r{{20, 32, 1000, 250ms}, "RunContent"};
  auto contents = run_all(r, &steps);
  CHECK(contents.size() == 20);
  REQUIRE(steps.size() >= 2);
  CHECK(steps.front().events.empty());
  CHECK(steps.front().delay == 250ms);
  for (size_t i = 1; i + 1 < steps.size(); ++i)
    CHECK(steps[i].delay >= 1ms); // paced: never a busy step
}

TEST_CASE("a bench run of no events completes at once") {
  bench_runnable r{{0, 32, 0, 0ms}, "RunContent"};
  auto s = r.next();
  CHECK(s.last);
  CHECK(s.events.empty());
}
