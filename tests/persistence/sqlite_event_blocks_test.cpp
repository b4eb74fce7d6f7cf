// How the SQLite store lays events out: blocks of many events per row, never overlapping,
// read back from any index. The store contract (store_suite) holds over this; these check
// the layout itself, which the contract cannot see.

#include "persistence/sqlite_event_block.hpp"
#include "persistence/sqlite_store.hpp"

#include "tests/persistence/sample_rows.hpp"
#include "tests/persistence/sqlite_raw_db.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using runcast::stored_event;
using runcast::persistence::sqlite_store;
using runcast::persistence::store_error;
using runcast::persistence::detail::block_target_bytes;
using runcast::test::minimal_run;
using runcast::test::temp_dir;
using raw_db = runcast::test::sqlite_raw_db;

namespace {

/// Events [first, first + count) of a run with ~300-byte data that names their index.
std::vector<stored_event> wide_events(const std::string& run_id, int64_t first,
                                      int64_t count, const std::string& tag = "a") {
  std::vector<stored_event> out;
  for (int64_t i = first; i < first + count; ++i)
    out.push_back({run_id, i, "RunContent",
                   R"({"i":)" + std::to_string(i) + R"(,"tag":")" + tag + R"(","pad":")"
                     + std::string(270, 'x') + "\"}",
                   1.5 + static_cast<double>(i)});
  return out;
}

/// Blocks of any one run that share an index range: the layout never has any.
constexpr const char* overlaps =
  "SELECT COUNT(*) FROM run_event_blocks a JOIN run_event_blocks b"
  " ON a.run_key = b.run_key AND a.rowid <> b.rowid"
  " AND a.first_index <= b.last_index AND b.first_index <= a.last_index";

} // namespace

TEST_CASE("sqlite store: a long run is stored in blocks and read back from any index",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  sqlite_store s{path};
  s.create_run(minimal_run("run-1"));
  const auto written = wide_events("run-1", 0, 3000);
  for (int64_t first = 0; first < 3000; first += 1000)
    s.append_events({written.begin() + first, written.begin() + first + 1000});

  {
    raw_db db{path};
    // ~1 MB of events: many blocks, each within the target size, none overlapping.
    CHECK(std::stoll(db.scalar("SELECT COUNT(*) FROM run_event_blocks")) >= 14);
    CHECK(std::stoul(db.scalar("SELECT MAX(length(events)) FROM run_event_blocks"))
          <= block_target_bytes);
    CHECK(db.scalar("SELECT SUM(event_count) FROM run_event_blocks") == "3000");
    CHECK(db.scalar(overlaps) == "0");
  }

  for (int64_t from : {0, 1, 137, 215, 999, 1000, 2750, 2999}) {
    INFO("from " << from);
    auto window = s.load_events("run-1", from, 250);
    const auto expected = std::min<int64_t>(250, 3000 - from);
    REQUIRE(static_cast<int64_t>(window.size()) == expected);
    for (int64_t k = 0; k < expected; ++k) {
      const auto& want = written[static_cast<size_t>(from + k)];
      const auto& got = window[static_cast<size_t>(k)];
      CHECK(got.run_id == "run-1");
      CHECK(got.index == want.index);
      CHECK(got.type == want.type);
      CHECK(got.data == want.data);
      CHECK(got.created_at == want.created_at);
    }
  }
  CHECK(s.load_events("run-1", 3000, 250).empty());
  CHECK(s.load_events("run-1", -5, 3).size() == 3);
  CHECK(s.next_event_index("run-1") == 3000);
}

TEST_CASE("sqlite store: a batch reaching into stored blocks merges with them, first write "
          "winning",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  sqlite_store s{path};
  s.create_run(minimal_run("run-1"));
  s.create_run(minimal_run("run-2"));
  s.append_events(wide_events("run-1", 0, 100));
  s.append_events(wide_events("run-1", 200, 100));

  // One batch: repeats of stored events (50, 250), a hole filled (150), one past the end
  // (300), another run in between, and a repeat within the batch (151 twice).
  std::vector<stored_event> batch;
  for (auto i : {250, 150, 50, 151, 300})
    batch.push_back(wide_events("run-1", i, 1, "b")[0]);
  batch.push_back(wide_events("run-2", 0, 1, "b")[0]);
  batch.push_back(wide_events("run-1", 151, 1, "c")[0]);
  s.append_events(batch);

  auto events = s.load_events("run-1", 0, 1000);
  std::vector<int64_t> indices;
  for (const auto& e : events)
    indices.push_back(e.index);
  std::vector<int64_t> expected;
  for (int64_t i = 0; i < 100; ++i)
    expected.push_back(i);
  expected.push_back(150);
  expected.push_back(151);
  for (int64_t i = 200; i <= 300; ++i)
    expected.push_back(i);
  CHECK(indices == expected);
  auto tag_of = [&](int64_t index) {
    for (const auto& e : events)
      if (e.index == index)
        return e.data.substr(e.data.find("\"tag\":") + 7, 1);
    return std::string{"?"};
  };
  CHECK(tag_of(50) == "a");  // stored first
  CHECK(tag_of(250) == "a"); // likewise
  CHECK(tag_of(150) == "b");
  CHECK(tag_of(151) == "b"); // the first of the two in the batch
  CHECK(tag_of(300) == "b");
  CHECK(s.next_event_index("run-1") == 301);
  CHECK(s.load_events("run-2", 0, 10).size() == 1);
  // Read from inside the filled hole and across the rewritten blocks.
  CHECK(s.load_events("run-1", 151, 3).front().index == 151);
  CHECK(s.load_events("run-1", 152, 1).front().index == 200);

  raw_db db{path};
  CHECK(db.scalar(overlaps) == "0");
  CHECK(db.scalar("SELECT SUM(event_count) FROM run_event_blocks"
                  " JOIN event_runs USING (run_key) WHERE run_id = 'run-1'")
        == "203");
}

TEST_CASE("sqlite store: a block it cannot read is a store_error naming the run",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  sqlite_store s{path};
  s.create_run(minimal_run("run-1"));
  s.append_events(wide_events("run-1", 0, 10));
  raw_db db{path};
  SECTION("cut short") {
    db.exec("UPDATE run_event_blocks SET events = substr(events, 1, 100)");
    CHECK_THROWS_WITH(s.load_events("run-1", 0, 100),
                      Catch::Contains("run 'run-1'") && Catch::Contains("cut short"));
  }
  SECTION("of a format from a later version") {
    db.exec("UPDATE run_event_blocks SET events = X'07' || substr(events, 2)");
    CHECK_THROWS_AS(s.load_events("run-1", 0, 100), store_error);
    CHECK_THROWS_WITH(s.load_events("run-1", 0, 100), Catch::Contains("has format 7"));
  }
}

TEST_CASE("sqlite store: a run's key comes with its first events and goes with its session",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  sqlite_store s{path};
  auto other = minimal_run("run-2");
  other.session_id = "session-2";
  s.create_run(minimal_run("run-1"));
  s.create_run(other);
  s.create_run(minimal_run("run-3")); // no events: no key
  s.append_events(wide_events("run-1", 0, 5));
  s.append_events(wide_events("run-2", 0, 5));
  s.append_events(wide_events("run-1", 5, 5)); // the same key again
  raw_db db{path};
  CHECK(db.scalar("SELECT group_concat(run_id, ',') FROM"
                  " (SELECT run_id FROM event_runs ORDER BY run_key)")
        == "run-1,run-2");
  CHECK(s.next_event_index("run-3") == 0);
  CHECK(s.load_events("run-3", 0, 10).empty());

  REQUIRE(s.delete_session("session-1"));
  CHECK(db.scalar("SELECT group_concat(run_id, ',') FROM event_runs") == "run-2");
  CHECK(db.scalar("SELECT SUM(event_count) FROM run_event_blocks") == "5");
  CHECK(s.load_events("run-1", 0, 100).empty());
  CHECK(s.load_events("run-2", 0, 100).size() == 5);
}
