#include "persistence/sqlite_store.hpp"

#include "tests/persistence/store_suite.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <string>

using runcast::persistence::open_store;
using runcast::persistence::run_record;
using runcast::persistence::sqlite_store;
using runcast::persistence::store;
using runcast::persistence::store_error;
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

/// A raw connection, for looking at what the store wrote behind its back.
class raw_db {
public:
  explicit raw_db(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  }
  ~raw_db() {
    sqlite3_close_v2(db_);
  }
  raw_db(const raw_db&) = delete;
  raw_db& operator=(const raw_db&) = delete;

  /// The first column of the first row of `sql`, as text ("" if no row or NULL).
  std::string scalar(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK);
    std::string result;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr)
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    REQUIRE((rc == SQLITE_ROW || rc == SQLITE_DONE));
    return result;
  }

  void exec(const char* sql) {
    REQUIRE(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  }

private:
  sqlite3* db_ = nullptr;
};

run_record minimal_run(const std::string& run_id) {
  run_record run;
  run.run_id = run_id;
  run.session_id = "session-1";
  run.kind = "agents";
  run.component_id = "echo";
  run.owner_node = "node-a";
  run.params_json = "{}";
  run.created_at = 1700000000.0;
  run.updated_at = 1700000000.0;
  return run;
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

TEST_CASE("sqlite store: a fresh file gets the schema at version 1", "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  { sqlite_store s{path}; }

  raw_db db{path};
  CHECK(db.scalar("SELECT COUNT(*) FROM schema_version") == "1");
  CHECK(db.scalar("SELECT MAX(version) FROM schema_version") == "1");
  CHECK(db.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master"
                  " WHERE type = 'table' ORDER BY name)")
        == "run_events,runs,schema_version,sessions");
  CHECK(db.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master"
                  " WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL"
                  " ORDER BY name)")
        == "runs_by_created,runs_by_owner_status,runs_by_session");
  // WAL is a property of the file, so a raw connection sees it too.
  CHECK(db.scalar("PRAGMA journal_mode") == "wal");
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
  CHECK(db.scalar("SELECT COUNT(*) FROM schema_version") == "1");
  CHECK(db.scalar("SELECT MAX(version) FROM schema_version") == "1");
  CHECK(db.scalar("SELECT applied_at FROM schema_version WHERE version = 1") == applied_at);
  CHECK(db.scalar("SELECT COUNT(*) FROM runs") == "2");
}

TEST_CASE("sqlite store: a schema newer than this build is refused", "[persistence][sqlite]") {
  temp_dir dir;
  const auto path = (dir.path() / "runcast.db").string();
  { sqlite_store s{path}; }
  {
    raw_db db{path};
    db.exec("INSERT INTO schema_version (version, applied_at) VALUES (2, 0)");
  }
  auto message = message_of(path);
  CHECK_THAT(message, Catch::Contains("schema version 2 is newer"));
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
  CHECK(first.count_events("run-1") == 1);
  // The second connection's schema check on open must not have re-run migration 1.
  raw_db db{path};
  CHECK(db.scalar("SELECT COUNT(*) FROM schema_version") == "1");
}
