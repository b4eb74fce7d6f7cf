#include "persistence/pg_store.hpp"

#include "tests/persistence/pg_test_helpers.hpp"
#include "tests/persistence/store_suite.hpp"
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
#include <vector>

// Needs the throwaway server scripts/test starts (scripts/pg-test-server); without
// RUNCAST_TEST_PG_URL every test here fails, saying so.

using runcast::stored_event;
using runcast::persistence::open_store;
using runcast::persistence::pg_store;
using runcast::persistence::pg_store_options;
using runcast::persistence::run_filter;
using runcast::persistence::run_record;
using runcast::persistence::store;
using runcast::persistence::store_error;
using runcast::test::pg_database;
using namespace std::chrono_literals;
using namespace runcast::test::pg;

namespace {

/// The shared suite's PostgreSQL backend: a fresh database per instance, opened by URL.
class pg_backend : public runcast::test::store_backend {
public:
  std::unique_ptr<store> open() override {
    return open_store(db_.url());
  }

private:
  pg_database db_;
};

} // namespace

RUNCAST_STORE_SUITE("pg store", "[persistence][postgres]", pg_backend)

TEST_CASE("pg store: a fresh database gets the latest schema", "[persistence][postgres]") {
  pg_database db;
  { pg_store s{db.url()}; }

  raw_db raw{db.url()};
  CHECK(raw.scalar("SELECT COUNT(*) FROM schema_version") == "3");
  CHECK(raw.scalar("SELECT MAX(version) FROM schema_version") == "3");
  CHECK(raw.scalar("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables"
                   " WHERE schemaname = 'public'")
        == "run_events,runs,schema_version,sessions");
  CHECK(raw.scalar("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
                   " WHERE tablename = 'runs' AND indexname NOT LIKE '%pkey'")
        == "runs_by_created,runs_by_owner_status,runs_by_session");
  CHECK(raw.scalar("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
                   " WHERE tablename = 'sessions' AND indexname NOT LIKE '%pkey'")
        == "sessions_by_component,sessions_by_created,sessions_by_updated,sessions_by_user");
}

TEST_CASE("pg store: reopening keeps data and does not re-run migrations",
          "[persistence][postgres]") {
  pg_database db;
  {
    pg_store s{db.url()};
    s.create_run(minimal_run("run-1"));
  }
  raw_db raw{db.url()};
  const auto applied_at = raw.scalar("SELECT applied_at FROM schema_version WHERE version = 1");
  REQUIRE_FALSE(applied_at.empty());
  {
    pg_store s{db.url()};
    CHECK(s.find_run("run-1"));
  }
  CHECK(raw.scalar("SELECT COUNT(*) FROM schema_version") == "3");
  CHECK(raw.scalar("SELECT applied_at FROM schema_version WHERE version = 1") == applied_at);
}

TEST_CASE("pg store: a schema newer than this build is refused", "[persistence][postgres]") {
  pg_database db;
  { pg_store s{db.url()}; }
  raw_db raw{db.url()};
  raw.exec("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)");
  CHECK_THAT(message_of(db.url()),
             Catch::StartsWith("pg store: migrate schema: database schema version 99 is newer"));
}

TEST_CASE("pg store: stores opening one fresh database together migrate it once",
          "[persistence][postgres]") {
  // Stands in for several runcast processes starting at once against an empty database:
  // the advisory lock must make all but one find the schema already there.
  pg_database db;
  constexpr int openers = 6;
  std::atomic<int> ready{0};
  std::vector<std::future<std::string>> results;
  for (int i = 0; i < openers; ++i) {
    results.push_back(std::async(std::launch::async, [&] {
      ready.fetch_add(1);
      while (ready.load() < openers)
        std::this_thread::yield();
      try {
        pg_store s{db.url()};
        s.next_event_index("nothing");
      } catch (const std::exception& e) {
        return std::string{e.what()};
      }
      return std::string{};
    }));
  }
  for (auto& result : results)
    CHECK(result.get().empty());
  raw_db raw{db.url()};
  CHECK(raw.scalar("SELECT COUNT(*) FROM schema_version") == "3");
}

TEST_CASE("pg store: open_store takes postgresql:// and postgres:// URLs",
          "[persistence][postgres]") {
  pg_database db;
  auto url = db.url();
  REQUIRE(url.rfind("postgresql://", 0) == 0);
  auto rest = url.substr(std::string{"postgresql://"}.size());

  auto a = open_store(url);
  auto b = open_store("postgres://" + rest);
  auto c = open_store("PostgreSQL://" + rest); // schemes are case-insensitive
  REQUIRE(dynamic_cast<pg_store*>(a.get()) != nullptr);
  a->create_run(minimal_run("run-1"));
  CHECK(b->find_run("run-1"));
  CHECK(c->next_event_index("run-1") == 0);
}

TEST_CASE("pg store: errors name the operation and never show the password",
          "[persistence][postgres]") {
  // Nothing listens on port 1: connection refused, at once.
  auto refused = message_of("postgresql://runcast:hunter2@127.0.0.1:1/runcast");
  CHECK_THAT(refused, Catch::StartsWith("pg store: migrate schema: connect: "));
  CHECK_THAT(refused, !Catch::Contains("hunter2"));

  auto parameter = message_of("postgresql://runcast@127.0.0.1:1/runcast?password=hunter2");
  CHECK_THAT(parameter, Catch::StartsWith("pg store: "));
  CHECK_THAT(parameter, !Catch::Contains("hunter2"));

  // A real server, a database that does not exist, a percent-encoded password.
  auto server = pg_database::server_url();
  auto at = server.find('@');
  REQUIRE(at != std::string::npos);
  auto with_password = server.substr(0, at) + ":hunter%32" + server.substr(at);
  auto slash = with_password.rfind('/');
  auto missing = with_password.substr(0, slash) + "/no_such_database_here";
  auto message = message_of(missing);
  CHECK_THAT(message, Catch::Contains("no_such_database_here"));
  CHECK_THAT(message, !Catch::Contains("hunter2") && !Catch::Contains("hunter%32"));

  CHECK_THAT(message_of("host=127.0.0.1 password=hunter2"),
             Catch::Contains("expected a postgresql://") && !Catch::Contains("hunter2"));

  pg_database db;
  pg_store s{db.url()};
  s.create_run(minimal_run("run-1"));
  std::string duplicate;
  try {
    s.create_run(minimal_run("run-1"));
  } catch (const store_error& e) {
    duplicate = e.what();
  }
  CHECK(duplicate == "pg store: create_run: run 'run-1' exists already");
}

TEST_CASE("pg store: ids sort bytewise whatever the database's collation",
          "[persistence][postgres]") {
  // SQLite compares text by bytes; a database created with a natural-language collation
  // would order "run-B" after "run-a". The id columns are COLLATE "C", so both backends
  // list and page the same way.
  raw_db admin{pg_database::server_url()};
  const auto name = unique_name("runcast_test_icu_");
  try {
    admin.exec("CREATE DATABASE " + name
               + " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'");
  } catch (const pqxx::sql_error& e) {
    WARN("server has no ICU collations, test skipped: " << e.what());
    return;
  }
  auto url = pg_database::server_url();
  url = url.substr(0, url.rfind('/')) + "/" + name;
  {
    pg_store s{url};
    for (const char* id : {"run-_", "run-B", "run-a"})
      s.create_run(minimal_run(id, 1700000000.0));
    std::vector<std::string> ids;
    for (const auto& run : s.list_runs({}))
      ids.push_back(run.run_id);
    CHECK(ids == std::vector<std::string>{"run-a", "run-_", "run-B"});
  }
  admin.exec("DROP DATABASE " + name + " WITH (FORCE)");
}
