#include "persistence/pg_store.hpp"

#include "tests/persistence/sample_rows.hpp"

#include "tests/support/pg_database.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

// These tests stop and start the shared test server, so CTest runs them alone (SERIAL in
// CMakeLists.txt). They need RUNCAST_TEST_PG_URL, RUNCAST_TEST_PG_DATA and
// RUNCAST_TEST_PG_CTL from scripts/pg-test-server; scripts/test exports them, and without
// them every test here fails, saying so.

using runcast::stored_event;
using runcast::persistence::pg_store;
using runcast::persistence::run_record;
using runcast::persistence::store_error;
using runcast::test::minimal_run;
using runcast::test::numbered_events;
using runcast::test::pg_database;
using namespace std::chrono_literals;

namespace {

/// Stops and starts the test server (pg_database's helpers). Starts it again on destruction
/// if a test left it stopped, so a failing test does not take every later one down with it.
class test_server {
public:
  test_server() = default;

  ~test_server() {
    if (stopped_) {
      try {
        pg_database::start_server();
      } catch (const std::exception&) {
        // A destructor must not throw; the next test will say the server is down.
      }
    }
  }

  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  void stop() {
    stopped_ = true;
    pg_database::stop_server();
  }

  void start() {
    pg_database::start_server();
    stopped_ = false;
  }

private:
  bool stopped_ = false;
};

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const store_error& e) {
    return e.what();
  }
  return {};
}

/// Calls `call` until it stops throwing store_error, at most for `limit`; returns the number
/// of failed attempts, or -1 if it never succeeded.
int retry(const std::function<void()>& call, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (int failures = 0;; ++failures) {
    try {
      call();
      return failures;
    } catch (const store_error&) {
      if (std::chrono::steady_clock::now() >= deadline)
        return -1;
      std::this_thread::sleep_for(50ms);
    }
  }
}

void check_dense(pg_store& s, const std::string& run_id, int64_t count) {
  CHECK(s.next_event_index(run_id) == count);
  auto loaded = s.load_events(run_id, 0, static_cast<size_t>(count) + 10);
  REQUIRE(loaded.size() == static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    REQUIRE(loaded[static_cast<size_t>(i)].index == i);
    REQUIRE(loaded[static_cast<size_t>(i)].data == R"({"i":)" + std::to_string(i) + "}");
  }
}

} // namespace

TEST_CASE("pg store: calls fail while the server is down and work again once it is back",
          "[persistence][postgres][restart]") {
  pg_database db;
  // After db, so the server is running again before the database is dropped.
  test_server server;
  pg_store s{db.url()};
  s.create_run(minimal_run("run-1"));
  s.append_events(numbered_events("run-1", 0, 10));
  REQUIRE(s.next_event_index("run-1") == 10);

  server.stop();
  auto failed_append = error_of([&] { s.append_events(numbered_events("run-1", 10, 10)); });
  CHECK_THAT(failed_append, Catch::StartsWith("pg store: append_events: "));
  CHECK_THROWS_AS(s.find_run("run-1"), store_error);

  // While the server is down, calls fail fast rather than each waiting on a connect: the
  // reconnect backoff lets one probe through now and then.
  const auto start = std::chrono::steady_clock::now();
  int failures = 0;
  for (int i = 0; i < 50; ++i) {
    try {
      s.next_event_index("run-1");
    } catch (const store_error& e) {
      ++failures;
      if (i == 0)
        CHECK_THAT(std::string{e.what()}, Catch::StartsWith("pg store: next_event_index: "));
    }
  }
  CHECK(failures == 50);
  CHECK(std::chrono::steady_clock::now() - start < 5s);

  server.start();
  // The same store, not reopened: within the backoff (at most 2 s) it connects again.
  const int attempts = retry([&] { s.append_events(numbered_events("run-1", 10, 10)); }, 30s);
  REQUIRE(attempts >= 0);
  CHECK(s.find_run("run-1"));
  check_dense(s, "run-1", 20);

  // A retry of batches that did land (the caller could not know) changes nothing.
  s.append_events(numbered_events("run-1", 5, 15));
  check_dense(s, "run-1", 20);
}

TEST_CASE("pg store: a writer retrying failed batches across a restart stores each event once",
          "[persistence][postgres][restart]") {
  // What the event log does: one batch at a time, in order, each retried until it lands.
  constexpr int batches = 200;
  constexpr int batch_size = 10;
  pg_database db;
  test_server server;
  pg_store s{db.url()};
  s.create_run(minimal_run("run-1"));

  std::atomic<int> written{0};
  std::atomic<int> failed_calls{0};
  std::atomic<bool> gave_up{false};
  std::thread writer{[&] {
    for (int b = 0; b < batches; ++b) {
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      for (;;) {
        try {
          s.append_events(numbered_events("run-1", int64_t{b} * batch_size, batch_size));
          break;
        } catch (const store_error&) {
          failed_calls.fetch_add(1);
          if (std::chrono::steady_clock::now() > deadline) {
            gave_up = true;
            return;
          }
          std::this_thread::sleep_for(20ms);
        }
      }
      written.fetch_add(1);
      std::this_thread::sleep_for(2ms);
    }
  }};

  // Stop mid-way, stay down a moment, come back.
  while (written.load() < batches / 4 && !gave_up.load())
    std::this_thread::sleep_for(5ms);
  server.stop();
  std::this_thread::sleep_for(500ms);
  server.start();
  writer.join();

  REQUIRE_FALSE(gave_up.load());
  CHECK(written.load() == batches);
  CHECK(failed_calls.load() > 0); // the restart was felt
  check_dense(s, "run-1", int64_t{batches} * batch_size);
}
