// The engine's own threads carry the names docs/operations.md lists ("Threads"), so that an
// operator's `top -H` or `perf` tells the store's writer from its reader and from CAF's.

#include "runtime/engine.hpp"

#include "core/component_registry.hpp"
#include "persistence/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

namespace {

/// The names of this process's threads.
std::multiset<std::string> thread_names() {
  std::multiset<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator{"/proc/self/task"}) {
    std::ifstream comm{task.path() / "comm"};
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  return names;
}

} // namespace

TEST_CASE("the store's writer and reader run on threads named for them") {
  runcast::test::temp_dir dir;
  REQUIRE(thread_names().count("rc-store-write") == 0);
  runcast::runtime::engine_options opts;
  runcast::runtime::engine engine{
    opts, runcast::persistence::open_store("sqlite:" + (dir.path() / "db").string()),
    runcast::component_registry::demo()};
  // Each detached actor names its thread when it makes its behavior, on that thread, which
  // need not have happened yet when the engine is up: a condition, waited for with a bound.
  auto named = [] {
    auto names = thread_names();
    return names.count("rc-store-write") == 1 && names.count("rc-store-read") == 1;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (!named() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  CHECK(named());
}
