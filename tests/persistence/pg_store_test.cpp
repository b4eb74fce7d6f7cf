#include "persistence/pg_store.hpp"

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

/// `url` with a query parameter added.
std::string with_param(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

/// A plain connection, for looking at what the store wrote behind its back.
class raw_db {
public:
  explicit raw_db(const std::string& url) : conn_(url) {
  }

  /// The first column of the first row of `sql`, as text ("" if no row or NULL).
  std::string scalar(const std::string& sql) {
    pqxx::nontransaction tx{conn_};
    auto rows = tx.exec(sql);
    if (rows.empty() || rows[0][0].is_null())
      return {};
    return rows[0][0].c_str();
  }

  void exec(const std::string& sql) {
    pqxx::nontransaction tx{conn_};
    tx.exec(sql);
  }

  pqxx::connection& connection() {
    return conn_;
  }

private:
  pqxx::connection conn_;
};

/// Connections the store opened, recognized by the application_name it was given.
int connections_named(raw_db& admin, const std::string& application_name) {
  return std::stoi(admin.scalar(
    "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + application_name
    + "'"));
}

std::string unique_name(const char* prefix) {
  return prefix + std::to_string(std::random_device{}());
}

run_record minimal_run(const std::string& run_id, double created_at = 1700000000.0) {
  run_record run;
  run.run_id = run_id;
  run.session_id = "session-1";
  run.kind = "agents";
  run.component_id = "echo";
  run.owner_node = "node-a";
  run.params_json = "{}";
  run.created_at = created_at;
  run.updated_at = created_at;
  return run;
}

std::vector<stored_event> events(const std::string& run_id, int64_t first, int64_t count) {
  std::vector<stored_event> out;
  for (int64_t i = first; i < first + count; ++i)
    out.push_back({run_id, i, "RunContent", R"({"i":)" + std::to_string(i) + "}", 1.5});
  return out;
}

std::string message_of(const std::string& url) {
  try {
    pg_store s{url};
  } catch (const store_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

RUNCAST_STORE_SUITE("pg store", "[persistence][postgres]", pg_backend)

TEST_CASE("pg store: a fresh database gets the latest schema", "[persistence][postgres]") {
  pg_database db;
  { pg_store s{db.url()}; }

  raw_db raw{db.url()};
  CHECK(raw.scalar("SELECT COUNT(*) FROM schema_version") == "2");
  CHECK(raw.scalar("SELECT MAX(version) FROM schema_version") == "2");
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
  CHECK(raw.scalar("SELECT COUNT(*) FROM schema_version") == "2");
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
        s.count_events("nothing");
      } catch (const std::exception& e) {
        return std::string{e.what()};
      }
      return std::string{};
    }));
  }
  for (auto& result : results)
    CHECK(result.get().empty());
  raw_db raw{db.url()};
  CHECK(raw.scalar("SELECT COUNT(*) FROM schema_version") == "2");
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
  CHECK(c->count_events("run-1") == 0);
}

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
          s.append_events(events(run_id, int64_t{b} * batch_size, batch_size));
          if (s.count_events(run_id) != int64_t{b + 1} * batch_size)
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
    CHECK(s.count_events(run_id) == int64_t{batches} * batch_size);
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
  writer = std::async(std::launch::async, [&] { s.append_events(events("run-1", 0, 5)); });
  REQUIRE(writer.wait_for(300ms) == std::future_status::timeout);

  const auto start = std::chrono::steady_clock::now();
  std::string message;
  try {
    s.count_events("run-1");
  } catch (const store_error& e) {
    message = e.what();
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK_THAT(message, Catch::StartsWith("pg store: count_events: no free connection within "
                                        "300 ms (pool_size 1)"));
  CHECK(waited >= 250ms);
  CHECK(waited < 3s);

  lock_tx.commit();
  REQUIRE(writer.wait_for(10s) == std::future_status::ready);
  writer.get();
  CHECK(s.count_events("run-1") == 5);
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
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (connections_named(admin, name) != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  REQUIRE(connections_named(admin, name) == 0);

  CHECK(s.find_run("run-1"));
  s.append_events(events("run-1", 0, 3));
  CHECK(s.count_events("run-1") == 3);
  CHECK(connections_named(admin, name) == 1);
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
