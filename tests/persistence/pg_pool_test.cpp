// The connection pool behind pg_store: its size, sharing, waits and replacing lost
// connections.

#include "persistence/pg_store.hpp"

#include "tests/persistence/pg_test_helpers.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/pg_database.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

// Needs the throwaway server scripts/test starts (scripts/pg-test-server); without
// RUNCAST_TEST_PG_URL every test here fails, saying so.

using runcast::persistence::pg_store_options;
using runcast::test::pg_database;
using namespace std::chrono_literals;
using namespace runcast::test::pg;

TEST_CASE("pg store: pool_size is taken from the URL, the rest goes to libpq",
          "[persistence][postgres]") {
  pg_database db;
  CHECK(pg_store{db.url()}.pool_size() == 4);
  pg_store_options options;
  options.pool_size = 3;
  CHECK(pg_store{db.url(), options}.pool_size() == 3);

  // libpq rejects query parameters it does not know, so this opening at all shows that
  // pool_size was taken out; application_name shows the others still reach the server.
  const auto name = unique_name("runcast_pool_");
  pg_store s{with_param(with_param(db.url(), "pool_size=2"), "application_name=" + name)};
  CHECK(s.pool_size() == 2);
  raw_db admin{pg_database::server_url()};
  CHECK(connections_named(admin, name) == 1);

  for (const char* bad : {"pool_size=0", "pool_size=101", "pool_size=two", "pool_size="})
    CHECK_THAT(message_of(with_param(db.url(), bad)),
               Catch::Contains("pg store: open: pool_size must be"));
}

TEST_CASE("pg store: eight threads share a pool of two and every write lands",
          "[persistence][postgres]") {
  constexpr int writers = 8;
  constexpr int batches = 40;
  constexpr int batch_size = 16;
  pg_database db;
  const auto name = unique_name("runcast_pool_");
  pg_store s{with_param(with_param(db.url(), "pool_size=2"), "application_name=" + name)};
  raw_db admin{pg_database::server_url()};

  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      ready.fetch_add(1);
      while (ready.load() < writers)
        std::this_thread::yield();
      try {
        const auto run_id = "run-" + std::to_string(w);
        s.create_run(minimal_run(run_id, 1700000000.0 + w));
        for (int b = 0; b < batches; ++b) {
          s.append_events(numbered_events(run_id, int64_t{b} * batch_size, batch_size));
          if (s.next_event_index(run_id) != int64_t{b + 1} * batch_size)
            throw std::runtime_error(run_id + ": count after batch " + std::to_string(b));
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock{errors_mutex};
        errors.emplace_back(e.what());
      }
    });
  }
  // Meanwhile, count the store's connections on the server.
  int most = 0;
  std::thread watcher{[&] {
    while (!done.load()) {
      most = std::max(most, connections_named(admin, name));
      std::this_thread::sleep_for(5ms);
    }
  }};
  for (auto& t : threads)
    t.join();
  done = true;
  watcher.join();

  CAPTURE(errors);
  REQUIRE(errors.empty());
  CHECK(most >= 1);
  CHECK(most <= 2);
  CHECK(connections_named(admin, name) <= 2);
  CHECK(s.list_runs({}).size() == static_cast<size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    const auto run_id = "run-" + std::to_string(w);
    CAPTURE(run_id);
    CHECK(s.next_event_index(run_id) == int64_t{batches} * batch_size);
    auto loaded = s.load_events(run_id, 0, 10000);
    REQUIRE(loaded.size() == static_cast<size_t>(batches * batch_size));
    for (size_t i = 0; i < loaded.size(); ++i)
      REQUIRE(loaded[i].index == static_cast<int64_t>(i));
  }
}

TEST_CASE("pg store: a call waits at most acquire_timeout for a free connection",
          "[persistence][postgres]") {
  pg_database db;
  pg_store_options options;
  options.pool_size = 1;
  options.acquire_timeout = 300ms;
  pg_store s{db.url(), options};
  s.create_run(minimal_run("run-1"));

  // Declared before the lock so that, should a check below throw, the lock is released
  // before this future's destructor waits for the writer.
  std::future<void> writer;
  // Another session holds a lock that makes the store's only connection wait.
  raw_db blocker{db.url()};
  pqxx::work lock_tx{blocker.connection()};
  lock_tx.exec("LOCK TABLE run_events IN ACCESS EXCLUSIVE MODE");
  writer = std::async(std::launch::async, [&] { s.append_events(numbered_events("run-1", 0, 5)); });
  REQUIRE(writer.wait_for(300ms) == std::future_status::timeout);

  const auto start = std::chrono::steady_clock::now();
  std::string message;
  try {
    s.next_event_index("run-1");
  } catch (const store_error& e) {
    message = e.what();
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK_THAT(message, Catch::StartsWith("pg store: next_event_index: no free connection within "
                                        "300 ms (pool_size 1)"));
  CHECK(waited >= 250ms);
  CHECK(waited < 3s);

  lock_tx.commit();
  REQUIRE(writer.wait_for(10s) == std::future_status::ready);
  writer.get();
  CHECK(s.load_events("run-1", 0, 100).size() == 5);
  CHECK(s.next_event_index("run-1") == 5);
}

TEST_CASE("pg store: reads do not wait for a write in progress", "[persistence][postgres]") {
  pg_database db;
  pg_store s{db.url()};
  s.create_run(minimal_run("run-1"));
  s.append_events(numbered_events("run-1", 0, 5));

  // Declared before the other session, so that should a check below fail, its transaction
  // ends (and the pending append returns) before these futures are waited for.
  std::future<void> append;
  std::future<std::tuple<size_t, bool, int64_t>> reads;
  // Another session's uncommitted row at index 5: the store's append of the same index
  // waits on it (ON CONFLICT must know whether it commits), holding a pooled connection.
  raw_db other{db.url()};
  pqxx::work tx{other.connection()};
  tx.exec("INSERT INTO run_events VALUES ('run-1', 5, 'RunContent', '{}', 1.0)");
  append = std::async(std::launch::async, [&] { s.append_events(numbered_events("run-1", 5, 3)); });
  REQUIRE(append.wait_for(300ms) == std::future_status::timeout);

  // Reads take another pooled connection and, under MVCC, never wait for row locks.
  reads = std::async(std::launch::async, [&] {
    return std::make_tuple(s.load_events("run-1", 0, 100).size(), s.find_run("run-1").has_value(),
                           s.next_event_index("run-1"));
  });
  REQUIRE(reads.wait_for(2s) == std::future_status::ready);
  CHECK(reads.get() == std::make_tuple(size_t{5}, true, int64_t{5}));

  tx.abort();
  REQUIRE(append.wait_for(10s) == std::future_status::ready);
  append.get();
  CHECK(s.next_event_index("run-1") == 8);
  CHECK(s.load_events("run-1", 0, 100).size() == 8);
}

TEST_CASE("pg store: connections the server closed are replaced without a failed call",
          "[persistence][postgres]") {
  pg_database db;
  const auto name = unique_name("runcast_kill_");
  pg_store s{with_param(db.url(), "application_name=" + name)};
  s.create_run(minimal_run("run-1"));
  raw_db admin{pg_database::server_url()};
  REQUIRE(connections_named(admin, name) == 1);

  // As an administrator, an idle timeout or a failover would: the pooled connection is
  // idle, so the store notices on its next checkout and opens a new one.
  admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
             " WHERE application_name = '" + name + "'");
  REQUIRE(runcast::test::eventually([&] { return connections_named(admin, name) == 0; }));

  CHECK(s.find_run("run-1"));
  s.append_events(numbered_events("run-1", 0, 3));
  CHECK(s.next_event_index("run-1") == 3);
  CHECK(connections_named(admin, name) == 1);
}
