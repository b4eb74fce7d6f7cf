#include "persistence/sqlite_store.hpp"

#include "tests/persistence/sample_rows.hpp"
#include "tests/persistence/sqlite_raw_db.hpp"

#include "tests/persistence/store_suite.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

using runcast::persistence::open_store;
using runcast::persistence::run_record;
using runcast::persistence::session_filter;
using runcast::persistence::sqlite_store;
using runcast::persistence::store;
using runcast::persistence::store_error;
using runcast::test::minimal_run;
using raw_db = runcast::test::sqlite_raw_db;
using runcast::test::temp_dir;

namespace {

/// The shared suite's SQLite backend: a database file in a fresh temp dir, opened by URL.
class sqlite_backend : public runcast::test::store_backend {
public:
  std::unique_ptr<store> open() override {
    return open_store("sqlite:" + (dir_.path() / "runcast.db").string());
  }

private:
  temp_dir dir_;
};

// The schema as version 1 shipped it, copied rather than shared with the store: existing
// databases hold exactly this, whatever later versions of the store's source say.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE schema_version (
  version INTEGER NOT NULL PRIMARY KEY,
  applied_at REAL NOT NULL);
CREATE TABLE sessions (
  session_id   TEXT NOT NULL PRIMARY KEY,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  created_at   REAL NOT NULL,
  updated_at   REAL NOT NULL
);
CREATE TABLE runs (
  run_id       TEXT NOT NULL PRIMARY KEY,
  session_id   TEXT NOT NULL,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  owner_node   TEXT NOT NULL,
  input        TEXT NOT NULL,
  params_json  TEXT NOT NULL DEFAULT '{}',
  status       TEXT NOT NULL,
  content      TEXT,
  error        TEXT,
  created_at   REAL NOT NULL,
  updated_at   REAL NOT NULL
);
CREATE INDEX runs_by_session ON runs (session_id, created_at);
CREATE INDEX runs_by_owner_status ON runs (owner_node, status);
CREATE INDEX runs_by_created ON runs (created_at, run_id);
CREATE TABLE run_events (
  run_id      TEXT NOT NULL,
  event_index INTEGER NOT NULL,
  event_type  TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  REAL NOT NULL,
  PRIMARY KEY (run_id, event_index)
) WITHOUT ROWID;
INSERT INTO schema_version (version, applied_at) VALUES (1, 1234.5);
)sql";

/// The names of the indexes we created on `table`, sorted and comma-separated.
std::string indexes_of(raw_db& db, const std::string& table) {
  return db.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master"
                   " WHERE type = 'index' AND tbl_name = '" + table
                   + "' AND sql IS NOT NULL ORDER BY name)");
}

std::string message_of(const std::string& path) {
  try {
    sqlite_store s{path};
  } catch (const store_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

RUNCAST_STORE_SUITE("sqlite store", "[persistence][sqlite]", sqlite_backend)

TEST_CASE("sqlite store: a fresh file gets the latest schema", "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  { sqlite_store s{path}; }

  raw_db db{path};
  CHECK(db.scalar("SELECT group_concat(version, ',') FROM"
                  " (SELECT version FROM schema_version ORDER BY version)")
        == "1,2,3,4,5,6");
  CHECK(db.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master"
                  " WHERE type = 'table' ORDER BY name)")
        == "event_runs,run_event_blocks,runs,schema_version,sessions");
  CHECK(indexes_of(db, "run_event_blocks") == "run_event_blocks_by_run");
  // A block's run is an integer key: the index holds no run ids.
  CHECK(db.scalar("SELECT group_concat(name, ',') FROM pragma_index_info("
                  "'run_event_blocks_by_run')")
        == "run_key,first_index");
  CHECK(indexes_of(db, "runs") == "runs_by_created,runs_by_owner_status,runs_by_session");
  CHECK(indexes_of(db, "sessions")
        == "sessions_by_component,sessions_by_created,sessions_by_updated,sessions_by_user");
  // WAL is a property of the file, so a raw connection sees it too; so is the page size.
  CHECK(db.scalar("PRAGMA journal_mode") == "wal");
  CHECK(db.scalar("PRAGMA page_size") == "16384");
}

TEST_CASE("sqlite store: reopening keeps data and does not re-run migrations",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  {
    sqlite_store s{path};
    s.create_run(minimal_run("run-1"));
  }
  std::string applied_at;
  {
    raw_db db{path};
    applied_at = db.scalar("SELECT applied_at FROM schema_version WHERE version = 1");
    REQUIRE_FALSE(applied_at.empty());
  }

  {
    sqlite_store s{path};
    CHECK(s.find_run("run-1"));
    s.create_run(minimal_run("run-2"));
  }
  raw_db db{path};
  CHECK(db.scalar("SELECT COUNT(*) FROM schema_version") == "6");
  CHECK(db.scalar("SELECT MAX(version) FROM schema_version") == "6");
  CHECK(db.scalar("SELECT applied_at FROM schema_version WHERE version = 1") == applied_at);
  CHECK(db.scalar("SELECT COUNT(*) FROM runs") == "2");
}

TEST_CASE("sqlite store: a schema newer than this build is refused", "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  { sqlite_store s{path}; }
  {
    raw_db db{path};
    db.exec("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)");
  }
  auto message = message_of(path);
  CHECK_THAT(message, Catch::Contains("schema version 99 is newer"));
}

TEST_CASE("sqlite store: a version 1 database migrates to the latest and keeps its data",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  {
    // Built by hand as a version 1 store left it: schema, version row, one session with two
    // runs and their events.
    raw_db db{path, true};
    db.exec(schema_v1);
    db.exec("INSERT INTO sessions VALUES ('s1', 'alice', 'agents', 'echo', 100.0, 200.0)");
    db.exec("INSERT INTO runs VALUES ('r1', 's1', 'alice', 'agents', 'echo', 'node-a', 'hi',"
            " '{}', 'COMPLETED', 'done', NULL, 100.0, 150.0)");
    db.exec("INSERT INTO runs VALUES ('r2', 's1', 'alice', 'agents', 'echo', 'node-a', 'again',"
            " '{}', 'PENDING', NULL, NULL, 200.0, 200.0)");
    db.exec("INSERT INTO run_events VALUES ('r1', 0, 'RunStarted', '{}', 100.5),"
            " ('r1', 1, 'RunCompleted', '{}', 101.0)");
    REQUIRE(indexes_of(db, "sessions").empty());
  }

  {
    sqlite_store s{path};
    auto session = s.find_session("s1");
    REQUIRE(session);
    CHECK(session->user_id == "alice");
    CHECK(session->run_count == 2);
    CHECK(session->created_at == 100.0);
    CHECK(session->updated_at == 200.0);
    session_filter by_updated;
    by_updated.sort_by = "updated_at";
    by_updated.user_id = "alice";
    auto page = s.list_sessions(by_updated);
    CHECK(page.total_count == 1);
    REQUIRE(page.sessions.size() == 1);
    CHECK(page.sessions[0].session_id == "s1");
    auto events = s.load_events("r1", 0, 100);
    REQUIRE(events.size() == 2);
    CHECK(events[1].index == 1);
    CHECK(events[1].type == "RunCompleted");
    CHECK(events[1].data == "{}");
    CHECK(events[1].created_at == 101.0);
    CHECK(s.next_event_index("r1") == 2);
    auto run = s.find_run("r1");
    REQUIRE(run);
    CHECK(run->content == std::optional<std::string>{"done"});
    CHECK(run->parent_run_id.empty()); // runs from before members were recorded: top-level
    // The migrated store takes writes under the new rules.
    auto later = minimal_run("r3");
    later.session_id = "s1";
    later.created_at = 300.0;
    s.create_run(later);
    session = s.find_session("s1");
    REQUIRE(session);
    CHECK(session->updated_at == 300.0);
    CHECK(session->run_count == 3);
  }

  raw_db db{path};
  CHECK(db.scalar("SELECT group_concat(version, ',') FROM"
                  " (SELECT version FROM schema_version ORDER BY version)")
        == "1,2,3,4,5,6");
  // The events moved into blocks; their old table is gone.
  CHECK(db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'run_events'") == "0");
  CHECK(db.scalar("SELECT SUM(event_count) FROM run_event_blocks") == "2");
  // Version 1's row is the one written by hand: it was not applied again.
  CHECK(db.scalar("SELECT applied_at FROM schema_version WHERE version = 1") == "1234.5");
  CHECK(indexes_of(db, "sessions")
        == "sessions_by_component,sessions_by_created,sessions_by_updated,sessions_by_user");
  CHECK(indexes_of(db, "runs") == "runs_by_created,runs_by_owner_status,runs_by_session");
  // An older file keeps the page size it was made with (SQLite's 4 KiB) and works as is.
  CHECK(db.scalar("PRAGMA page_size") == "4096");
}

TEST_CASE("sqlite store: list_sessions refuses an empty page size or page 0",
          "[persistence][sqlite]") {
  temp_dir dir;
  sqlite_store s{(dir.path() / "runcast.db").string()};
  s.create_run(minimal_run("run-1"));
  session_filter f;
  f.limit = 0;
  CHECK_THROWS_AS(s.list_sessions(f), std::invalid_argument);
  f = {};
  f.page = 0;
  CHECK_THROWS_AS(s.list_sessions(f), std::invalid_argument);
  // The largest page a size_t can name is past the end, not an overflow.
  f = {};
  f.limit = 1000;
  f.page = static_cast<size_t>(-1);
  auto page = s.list_sessions(f);
  CHECK(page.sessions.empty());
  CHECK(page.total_count == 1);
}

TEST_CASE("sqlite store: a file that is not a database is a store_error",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "garbage.db").string();
  {
    std::ofstream out{path};
    for (int i = 0; i < 100; ++i)
      out << "this is not an SQLite database\n";
  }
  auto message = message_of(path);
  CHECK_THAT(message, Catch::Contains("sqlite store") && Catch::Contains("not a database"));
}

TEST_CASE("sqlite store: an unopenable path names the path", "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "missing" / "runcast.db").string();
  auto message = message_of(path);
  CHECK_THAT(message, Catch::Contains(path) && Catch::Contains("unable to open"));
}

TEST_CASE("sqlite store: two stores on one file see each other's writes",
          "[persistence][sqlite]") {
  // Two connections stand in for two processes sharing a file (WAL + busy_timeout).
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  sqlite_store first{path};
  sqlite_store second{path};
  first.create_run(minimal_run("run-1"));
  REQUIRE(second.find_run("run-1"));
  second.append_events({runcast::stored_event{"run-1", 0, "RunStarted", "{}", 1.0}});
  CHECK(first.next_event_index("run-1") == 1);
  // The second connection's schema check on open must not have re-run any migration.
  raw_db db{path};
  CHECK(db.scalar("SELECT COUNT(*) FROM schema_version") == "6");
}

TEST_CASE("sqlite store: a long run's event rows move into blocks when a file migrates",
          "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  {
    raw_db db{path, true};
    db.exec(schema_v1);
    // 5,000 events of ~250 bytes for one run (more than the migration holds at once, more
    // than a block), 3 for another.
    db.exec("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)"
            " INSERT INTO run_events SELECT 'r1', i, 'RunContent',"
            " printf('{\"i\":%d,\"pad\":\"%s\"}', i, hex(zeroblob(110))), 100.0 + i FROM n");
    db.exec("INSERT INTO run_events VALUES ('r0', 0, 'RunStarted', '{}', 1.0),"
            " ('r0', 1, 'RunContent', '{\"x\":1}', 2.0), ('r0', 7, 'RunCompleted', '{}', 3.0)");
  }
  sqlite_store s{path};
  CHECK(s.next_event_index("r1") == 5000);
  CHECK(s.next_event_index("r0") == 8);
  auto window = s.load_events("r1", 4321, 10);
  REQUIRE(window.size() == 10);
  CHECK(window[0].index == 4321);
  CHECK(window[0].data == "{\"i\":4321,\"pad\":\"" + std::string(220, '0') + "\"}");
  CHECK(window[9].created_at == 100.0 + 4330);
  auto other = s.load_events("r0", 0, 10);
  REQUIRE(other.size() == 3);
  CHECK(other[2].index == 7);
  CHECK(other[1].data == "{\"x\":1}");

  raw_db db{path};
  CHECK(db.scalar("SELECT SUM(event_count) FROM run_event_blocks") == "5003");
  CHECK(std::stoll(db.scalar("SELECT COUNT(*) FROM run_event_blocks"
                                   " JOIN event_runs USING (run_key) WHERE run_id = 'r1'")) > 1);
}
