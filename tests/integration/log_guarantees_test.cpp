// The event log's promises under faults and load (DESIGN.md "Guarantees" 1, 4 and 8): no
// index a client saw changes meaning after a crash, memory stays bounded with a fast
// producer, a reader that never reads and many finished runs, and a hole in the store is
// never silent.

#include "tests/integration/run_helpers.hpp"

#include "persistence/sqlite_event_block.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>

using namespace runcast::test;
using namespace std::chrono_literals;

namespace {

// Sanitizers multiply memory use and slow everything down: the RSS bounds are checked in
// normal builds only, and the big run is smaller there.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool rss_is_meaningful = false;
constexpr int64_t big_run = 30'000;
#else
constexpr bool rss_is_meaningful = true;
constexpr int64_t big_run = 150'000;
#endif

/// Deletes one stored event behind the server's back, in whichever store the fixture uses.
void delete_stored_event(const server_fixture& fx, const std::string& run_id, int64_t index) {
  if (fx.pg) {
    pqxx::connection conn{fx.pg->url()};
    pqxx::work tx{conn};
    tx.exec_params0("DELETE FROM run_events WHERE run_id = $1 AND event_index = $2", run_id,
                    index);
    tx.commit();
    return;
  }
  // SQLite keeps a run's events in blocks: the block holding `index` is read, and written
  // back without it.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(fx.db.substr(std::string{"sqlite:"}.size()).c_str(), &db) == SQLITE_OK);
  std::shared_ptr<sqlite3> closer{db, sqlite3_close};
  auto statement = [&](const char* sql) {
    sqlite3_stmt* raw = nullptr;
    INFO(sqlite3_errmsg(db));
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) == SQLITE_OK);
    return std::shared_ptr<sqlite3_stmt>{raw, sqlite3_finalize};
  };
  auto find = statement("SELECT b.rowid, b.events FROM run_event_blocks b"
                        " JOIN event_runs USING (run_key) WHERE run_id = ?1"
                        " AND first_index <= ?2 ORDER BY first_index DESC LIMIT 1");
  sqlite3_bind_text(find.get(), 1, run_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(find.get(), 2, index);
  REQUIRE(sqlite3_step(find.get()) == SQLITE_ROW);
  const auto rowid = sqlite3_column_int64(find.get(), 0);
  std::vector<runcast::stored_event> events;
  runcast::persistence::detail::decode_block(
    run_id,
    {static_cast<const char*>(sqlite3_column_blob(find.get(), 1)),
     static_cast<size_t>(sqlite3_column_bytes(find.get(), 1))},
    0, 1'000'000, events, "test");
  auto gone = std::remove_if(events.begin(), events.end(),
                             [&](const auto& e) { return e.index == index; });
  REQUIRE(gone != events.end());
  events.erase(gone, events.end());
  REQUIRE_FALSE(events.empty()); // the tests delete from the middle of a block
  auto rows = runcast::persistence::rows_of(events);
  std::string block;
  runcast::persistence::detail::encode_events(rows.data(), rows.data() + rows.size(), block);
  auto update = statement("UPDATE run_event_blocks SET first_index = ?1, last_index = ?2,"
                          " event_count = ?3, events = ?4 WHERE rowid = ?5");
  sqlite3_bind_int64(update.get(), 1, events.front().index);
  sqlite3_bind_int64(update.get(), 2, events.back().index);
  sqlite3_bind_int64(update.get(), 3, static_cast<int64_t>(events.size()));
  sqlite3_bind_blob(update.get(), 4, block.data(), static_cast<int>(block.size()),
                    SQLITE_STATIC);
  sqlite3_bind_int64(update.get(), 5, rowid);
  REQUIRE(sqlite3_step(update.get()) == SQLITE_DONE);
}

/// The highest `id:` among frames, or -1.
int64_t last_id(const std::vector<sse_frame>& frames) {
  int64_t last = -1;
  for (const auto& f : frames)
    if (f.id)
      last = std::max<int64_t>(last, std::stoll(*f.id));
  return last;
}

} // namespace

TEST_CASE("kill -9 amid fast followed runs 20 times: every index a client saw keeps its bytes") {
  server_fixture fx;
  const auto message = words(100'000); // far more events than a crash leaves time for
  size_t seen_total = 0;
  size_t runs_checked = 0;
  for (int round = 0; round < 20; ++round) {
    auto c = start_stream(fx.port(), {{"message", message},
                                      {"background", "true"},
                                      {"delay_ms", "0"}});
    // Follow the run for a while that varies with the round, then crash the server.
    auto seen = read_frames(*c, 20 + static_cast<size_t>(round * 487) % 3000);
    fx.server->kill9();
    // What the socket still held was sent before the crash: the client sees it too.
    try {
      while (auto f = c->next(500ms))
        seen.push_back(std::move(*f));
    } catch (const std::exception&) {
      // reset or timeout: the crash ended the stream
    }
    c.reset();
    fx.restart();

    auto run_id = seen.front().json()["run_id"].get<std::string>();
    auto session_id = seen.front().json()["session_id"].get<std::string>();
    auto r = resume(fx.port(), run_id, session_id, -1);
    auto replay = read_to_end(*r);
    auto stored = events_by_index(replay);
    INFO("round " << round << ": seen up to " << last_id(seen) << ", replayed up to "
                  << last_id(replay));
    for (const auto& f : seen) {
      REQUIRE(f.id);
      auto index = std::stoll(*f.id);
      REQUIRE(stored.count(index) == 1);
      REQUIRE(stored[index] == f.data); // the same event, byte for byte
    }
    REQUIRE(replay.front().event == "replay");
    CHECK(replay.front().json()["status"] == "ERROR");
    CHECK(replay.back().event == "RunError");
    CHECK(last_id(replay) > last_id(seen));        // the RunError comes after all it saw
    CHECK(static_cast<int64_t>(stored.size()) == last_id(replay) + 1); // dense
    seen_total += seen.size();
    ++runs_checked;
  }
  std::printf("crash loop: %zu kill -9 restarts, %zu events seen by clients, every one found "
              "at its index with the same bytes; every run ERROR ending with RunError\n",
              runs_checked, seen_total);
}

TEST_CASE("a 150000-event run and a client that never reads: memory stays bounded and the "
          "client is cut off then resumes exactly the rest") {
  // The stall timeout cuts the client that never reads.
  server_fixture fx{{"--max-body-bytes", "4194304", "--stall-timeout-ms", "3000",
                     "--retain-bytes", "2097152", "--unpersisted-bytes", "1048576"}};
  auto pid = fx.server->pid();
  auto before = process_kib(pid, "VmRSS");
  // 149,998 words + RunStarted + RunCompleted = 150,000 events.
  auto c = start_stream(fx.port(), {{"message", words(static_cast<int>(big_run) - 2)},
                                    {"background", "true"},
                                    {"delay_ms", "0"},
                                    {"session_id", "never-reads"}});
  // The client reads nothing; another connection watches the run.
  std::string run_id;
  REQUIRE(eventually([&] {
    auto list = request(fx.port(), "GET", "/agents/echo/runs?session_id=never-reads").json();
    if (list.empty())
      return false;
    run_id = list[0]["run_id"];
    return true;
  }));
  poll_until(fx.port(), run_id, "never-reads", "COMPLETED", 120s);
  auto peak = process_kib(pid, "VmHWM");
  auto after = process_kib(pid, "VmRSS");
  REQUIRE(fx.server->wait_for_log("subscriber cut off", 10s));

  // Now the client reads what reached it before it was cut off, and resumes from there.
  std::vector<sse_frame> got;
  try {
    while (auto f = c->next(2s))
      got.push_back(std::move(*f));
  } catch (const std::exception&) {
    // the cut-off may reset the connection
  }
  auto cursor = last_id(got);
  CHECK(cursor < big_run - 1); // it was cut off before the end
  // It resumes from its cursor, as the seed's resume_stream does — again from its new
  // cursor should a slow machine (a sanitizer build) make the server cut this reader too.
  // Each resume starts right after the cursor; together they give exactly the rest.
  std::map<int64_t, std::string> events;
  int resumes = 0;
  bool completed = false;
  for (int64_t from = cursor; !completed && resumes < 20; ++resumes) {
    auto r = resume(fx.port(), run_id, "never-reads", from);
    auto rest = read_to_end(*r, 60s);
    auto part = events_by_index(rest);
    INFO("resume " << resumes << " from " << from << ", last frame: " << rest.back().raw
                   << "\nserver log:\n" << fx.server->log());
    if (!part.empty())
      REQUIRE(part.begin()->first == from + 1);
    for (auto& [index, data] : part)
      REQUIRE(events.emplace(index, std::move(data)).second); // each index once
    completed = rest.back().event == "RunCompleted";
    from = events.empty() ? from : events.rbegin()->first;
  }
  REQUIRE(completed);
  REQUIRE(static_cast<int64_t>(events.size()) == big_run - (cursor + 1));
  int64_t expected = cursor + 1;
  for (const auto& [index, data] : events)
    REQUIRE(index == expected++);
  std::printf("%lld-event run, client never reading: RSS before %lld KiB, peak %lld KiB "
              "(+%lld KiB), after %lld KiB; client cut off at index %lld, %d resume(s) got "
              "the %zu remaining events\n",
              static_cast<long long>(big_run), static_cast<long long>(before),
              static_cast<long long>(peak),
              static_cast<long long>(peak - before), static_cast<long long>(after),
              static_cast<long long>(cursor), resumes, events.size());
  // The bound: the run's retained frames (2 MiB) and unpersisted events (1 MiB, held twice:
  // frame and row), a subscriber's window, the 1.1 MB message in its copies (request, run,
  // output event) and the allocator's slack — well under 64 MiB. Before backpressure the
  // same run took 145 MiB.
  if (rss_is_meaningful)
    CHECK(peak - before < 64 * 1024);
}

TEST_CASE("10 s of background starts: finished logs stay within the node's bound and evicted "
          "runs replay from the store byte-identically") {
  server_fixture fx{{"--finished-logs", "100", "--finished-bytes", "262144"}};
  auto pid = fx.server->pid();
  // A run followed live first: it will be evicted by the burst below.
  auto c = start_stream(fx.port(), {{"message", words(20)}, {"background", "true"},
                                    {"delay_ms", "0"}});
  auto live = read_to_end(*c);
  auto run_id = live.front().json()["run_id"].get<std::string>();
  auto session_id = live.front().json()["session_id"].get<std::string>();
  auto before = process_kib(pid, "VmRSS");

  std::atomic<int> started{0};
  std::atomic<int> refused{0};
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto burst = [&] {
    while (std::chrono::steady_clock::now() < deadline) {
      auto res = request(fx.port(), "POST", "/agents/echo/runs",
                         form_urlencode({{"message", "a b c"}, {"stream", "false"},
                                         {"background", "true"}, {"delay_ms", "0"}}),
                         "application/x-www-form-urlencoded");
      (res.status == 202 ? started : refused)++;
    }
  };
  std::thread a{burst};
  std::thread b{burst};
  a.join();
  b.join();
  REQUIRE(refused == 0);
  auto peak = process_kib(pid, "VmHWM");
  REQUIRE(eventually([&] { return metric(fx.port(), "runcast_live_runs") == 0; }, 30s));
  auto evictions = metric(fx.port(), "runcast_finished_log_evictions_total");
  auto kept = metric(fx.port(), "runcast_finished_logs");
  auto kept_bytes = metric(fx.port(), "runcast_finished_log_bytes");
  CHECK(evictions > 0);
  CHECK(kept <= 100);
  CHECK(kept_bytes <= 262'144);

  auto r = resume(fx.port(), run_id, session_id, -1);
  auto replay = read_to_end(*r);
  auto stored = events_by_index(replay);
  auto seen = events_by_index(live);
  CHECK(stored == seen);
  // The node-wide bound holds finished logs to 256 KiB; the rest of the growth is the
  // store's page cache and the allocator's per-thread arenas under load.
  if (rss_is_meaningful)
    CHECK(peak - before < 64 * 1024);
  std::printf("10 s of background starts: %d started, RSS %lld KiB before, peak %lld KiB; "
              "finished logs kept %lld (%lld bytes), evicted %lld; the first run replays "
              "%zu events byte-identically\n",
              started.load(), static_cast<long long>(before), static_cast<long long>(peak),
              static_cast<long long>(kept), static_cast<long long>(kept_bytes),
              static_cast<long long>(evictions), stored.size());
}

TEST_CASE("a resume across a hole in the store gets a meta frame naming the missing range") {
  server_fixture fx{{"--finished-logs", "0"}}; // no log kept: resumes read the store
  auto c = start_stream(fx.port(), {{"message", words(10)}, {"background", "true"},
                                    {"delay_ms", "0"}});
  auto live = read_to_end(*c);
  auto run_id = live.front().json()["run_id"].get<std::string>();
  auto session_id = live.front().json()["session_id"].get<std::string>();
  delete_stored_event(fx, run_id, 4);
  delete_stored_event(fx, run_id, 5);

  auto r = resume(fx.port(), run_id, session_id, 1);
  auto frames = read_to_end(*r);
  REQUIRE(frames.size() >= 2);
  CHECK(frames.front().event == "replay");
  auto gaps = gaps_in(frames);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0] == nlohmann::json{{"from", 4}, {"to", 5}});
  auto events = events_by_index(frames);
  CHECK(events.count(3) == 1);
  CHECK(events.count(4) == 0);
  CHECK(events.count(6) == 1);
  CHECK(frames.back().event == "RunCompleted");

  // A hole right at the cursor is named by the opening meta frame itself.
  auto r2 = resume(fx.port(), run_id, session_id, 3);
  auto frames2 = read_to_end(*r2);
  REQUIRE_FALSE(frames2.empty());
  CHECK(frames2.front().event == "replay");
  CHECK(frames2.front().json()["gap"] == nlohmann::json{{"from", 4}, {"to", 5}});
  CHECK(frames2[1].id == std::optional<std::string>{"6"});
}
