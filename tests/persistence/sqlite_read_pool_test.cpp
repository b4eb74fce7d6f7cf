#include "persistence/sqlite_read_pool.hpp"

#include "tests/persistence/sample_rows.hpp"
#include "tests/persistence/sqlite_raw_db.hpp"

#include "persistence/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using runcast::stored_event;
using runcast::persistence::run_record;
using runcast::persistence::sqlite_store;
using runcast::persistence::detail::sqlite_read_pool;
using runcast::test::minimal_run;
using runcast::test::numbered_events;
using runcast::test::temp_dir;
// A second connection to the file, standing in for another process that writes to it.
using raw_db = runcast::test::sqlite_raw_db;
using namespace std::chrono_literals;

namespace {

/// What one round of reads saw.
struct snapshot {
  size_t loaded = 0;
  bool found = false;
  int64_t next_index = -1;
};

} // namespace

TEST_CASE("sqlite store: databases private to one connection are not shared",
          "[persistence][sqlite]") {
  CHECK(sqlite_read_pool::shareable("/tmp/x/runcast.db"));
  CHECK(sqlite_read_pool::shareable("runcast.db"));
  CHECK(sqlite_read_pool::shareable("file:runcast.db?cache=private"));
  CHECK_FALSE(sqlite_read_pool::shareable(""));
  CHECK_FALSE(sqlite_read_pool::shareable(":memory:"));
  CHECK_FALSE(sqlite_read_pool::shareable("file::memory:"));
  CHECK_FALSE(sqlite_read_pool::shareable("file::memory:?cache=shared"));
  CHECK_FALSE(sqlite_read_pool::shareable("file:runs?mode=memory&cache=shared"));
}

TEST_CASE("sqlite store: an in-memory database reads through its writer",
          "[persistence][sqlite]") {
  // A read-only connection to ":memory:" would open a second, empty database: the reads
  // must see what the writer wrote.
  for (const std::string path : {":memory:", "", "file:reads?mode=memory"}) {
    CAPTURE(path);
    // Without URI filenames (not Debian's build) the last would name a file in the cwd.
    if (path.rfind("file:", 0) == 0 && sqlite3_compileoption_used("USE_URI") == 0)
      continue;
    sqlite_store s{path};
    s.create_run(minimal_run("run-1"));
    s.append_events(numbered_events("run-1", 0, 3));
    CHECK(s.find_run("run-1"));
    CHECK(s.load_events("run-1", 0, 100).size() == 3);
    CHECK(s.next_event_index("run-1") == 3);
    CHECK(s.list_sessions({}).total_count == 1);
  }
}

TEST_CASE("sqlite store: reads do not wait for a write in progress", "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  sqlite_store s{path};
  s.create_run(minimal_run("run-1"));
  s.append_events(numbered_events("run-1", 0, 5));

  // Declared before the other connection, so that should a check below fail, its
  // transaction ends (and the pending append returns) before these futures are waited for.
  std::future<void> append;
  std::future<snapshot> reads;
  // Another connection holds the write lock with an uncommitted row...
  raw_db other{path};
  other.exec("BEGIN IMMEDIATE");
  other.exec("INSERT INTO sessions VALUES ('other', '', 'agents', 'echo', 1.0, 1.0)");
  // ...so the store's own writer waits for it (busy_timeout, 5 s) inside append_events,
  // holding the writer connection. A read queued behind the writer would wait as long.
  append = std::async(std::launch::async,
                      [&] { s.append_events(numbered_events("run-1", 6, 2)); });
  REQUIRE(append.wait_for(200ms) == std::future_status::timeout);

  // Not a benchmark: 2 s is far below the 5 s a read behind the writer would take.
  reads = std::async(std::launch::async, [&] {
    snapshot seen;
    seen.loaded = s.load_events("run-1", 0, 100).size();
    seen.found = s.find_run("run-1").has_value();
    seen.next_index = s.next_event_index("run-1");
    return seen;
  });
  REQUIRE(reads.wait_for(2s) == std::future_status::ready);
  auto seen = reads.get();
  // The committed data, without the other connection's uncommitted row.
  CHECK(seen.loaded == 5);
  CHECK(seen.found);
  CHECK(seen.next_index == 5);
  CHECK(append.wait_for(0s) == std::future_status::timeout);

  other.exec("ROLLBACK");
  REQUIRE(append.wait_for(10s) == std::future_status::ready);
  append.get();
  CHECK(s.next_event_index("run-1") == 8);
  // 0..4 and 6..7: the rolled-back index 5 is a hole.
  CHECK(s.load_events("run-1", 0, 100).size() == 7);
}

TEST_CASE("sqlite store: concurrent reads and writes stay consistent", "[persistence][sqlite]") {
  constexpr int writers = 2;
  constexpr int readers = 3;
  constexpr int batches = 60;
  constexpr int64_t batch_size = 5;
  temp_dir dir;
  // More readers than read connections, so some reads wait for a free one.
  sqlite_store s{(dir.path() / "runcast.db").string(), 2};
  for (int w = 0; w < writers; ++w) {
    auto run = minimal_run("run-" + std::to_string(w));
    run.session_id = "session-" + run.run_id; // one session per writer: the readers count them
    s.create_run(run);
  }

  // Catch2 v2 assertions are not thread-safe: threads only record failures, and the main
  // thread asserts after joining.
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  auto record = [&](const std::string& e) {
    std::lock_guard<std::mutex> lock{errors_mutex};
    errors.push_back(e);
  };
  std::atomic<int> writing{writers};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const auto run_id = "run-" + std::to_string(w);
      try {
        for (int b = 0; b < batches; ++b) {
          s.append_events(numbered_events(run_id, b * batch_size, batch_size));
          // Read-your-writes across connections: the commit is visible to every reader.
          if (s.next_event_index(run_id) != (b + 1) * batch_size)
            throw std::runtime_error(run_id + ": own batch " + std::to_string(b) + " unseen");
        }
      } catch (const std::exception& e) {
        record(e.what());
      }
      writing.fetch_sub(1);
    });
  }
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      const auto run_id = "run-" + std::to_string(r % writers);
      int64_t last = 0;
      try {
        while (writing.load() > 0) {
          // A reader sees whole batches only (each is one transaction), densely from 0, and
          // never fewer events than it saw before.
          const auto loaded = s.load_events(run_id, 0, 10000);
          const auto n = static_cast<int64_t>(loaded.size());
          if (n < last || n % batch_size != 0)
            throw std::runtime_error(run_id + ": read " + std::to_string(n) + " events");
          for (int64_t i = 0; i < n; ++i)
            if (loaded[static_cast<size_t>(i)].index != i)
              throw std::runtime_error(run_id + ": not dense at " + std::to_string(i));
          last = n;
          if (s.next_event_index(run_id) < n)
            throw std::runtime_error(run_id + ": next index behind the events read");
          if (!s.find_run(run_id) || s.list_sessions({}).total_count != writers)
            throw std::runtime_error(run_id + ": runs or sessions missing");
        }
      } catch (const std::exception& e) {
        record(e.what());
      }
    });
  }
  for (auto& t : threads)
    t.join();

  CAPTURE(errors);
  REQUIRE(errors.empty());
  for (int w = 0; w < writers; ++w) {
    const auto run_id = "run-" + std::to_string(w);
    CHECK(s.next_event_index(run_id) == batches * batch_size);
    CHECK(s.load_events(run_id, 0, 10000).size() == static_cast<size_t>(batches * batch_size));
  }
}
