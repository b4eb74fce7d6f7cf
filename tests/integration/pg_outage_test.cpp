// PostgreSQL restarts in the middle of a 2,000-event run: afterwards the store holds every
// event 0…1999 exactly once and the run is COMPLETED. Runs alone (it stops the shared server).

#include "tests/integration/run_helpers.hpp"
#include "tests/support/pg_database.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <cstdio>
#include <thread>

using namespace runcast::test;

TEST_CASE("a PostgreSQL restart mid-run loses and duplicates no event") {
  temp_dir dir;
  pg_database db;
  server_process server{db.url(), dir.path()};
  // 1998 words + RunStarted + RunCompleted = 2000 events, ~3 ms apart.
  auto res = request(server.port(), "POST", "/agents/echo/runs",
                     form_urlencode({{"message", words(1998)}, {"stream", "false"},
                                     {"background", "true"}, {"delay_ms", "3"}}),
                     "application/x-www-form-urlencoded");
  REQUIRE(res.status == 202);
  std::string run_id = res.json()["run_id"];
  std::string session_id = res.json()["session_id"];
  poll_until(server.port(), run_id, session_id, "RUNNING");
  std::this_thread::sleep_for(std::chrono::milliseconds{500}); // let part of the run persist

  pg_database::stop_server();
  std::this_thread::sleep_for(std::chrono::seconds{2}); // the run goes on, its writes fail
  pg_database::start_server();

  // Until every pooled connection has been replaced, a poll may meet a dead one (503): a
  // client retries, and so does this loop (bounded).
  nlohmann::json done;
  nlohmann::json last_seen;
  eventually(
    [&] {
      auto poll = request(server.port(), "GET",
                          "/agents/echo/runs/" + run_id + "?session_id=" + session_id);
      REQUIRE((poll.status == 200 || poll.status == 503));
      if (poll.status != 200)
        return false;
      last_seen = poll.json();
      if (last_seen["status"] != "COMPLETED")
        return false;
      done = last_seen;
      return true;
    },
    std::chrono::seconds{60}, std::chrono::milliseconds{100});
  INFO("last poll: " << last_seen.dump() << "\nserver log:\n" << server.log());
  REQUIRE(done.is_object());
  CHECK(done["content"] == words(1998));

  pqxx::connection conn{db.url()};
  pqxx::work tx{conn};
  auto row = tx.exec_params1("SELECT count(*), count(DISTINCT event_index), min(event_index), "
                             "max(event_index) FROM run_events WHERE run_id = $1",
                             run_id);
  CHECK(row[0].as<int64_t>() == 2000);
  CHECK(row[1].as<int64_t>() == 2000);
  CHECK(row[2].as<int64_t>() == 0);
  CHECK(row[3].as<int64_t>() == 1999);
  INFO(server.log());
  // The outage was real.
  CHECK(server.log().find("retrying until the store answers") != std::string::npos);
}

TEST_CASE("two runcast processes sharing one PostgreSQL read each other's sessions and runs") {
  temp_dir dir;
  pg_database db;
  auto options = [&](const std::string& node) {
    server_options o;
    o.db = db.url();
    o.log_dir = dir.path();
    o.extra_args = {"--node-id", node};
    o.name = node;
    return o;
  };
  server_process a{options("a")};
  server_process b{options("b")};
  auto post = [](uint16_t port, const std::string& session) {
    auto res = request(port, "POST", "/agents/echo/runs",
                       form_urlencode({{"message", "from " + session}, {"stream", "false"},
                                       {"session_id", session}, {"delay_ms", "0"}}),
                       "application/x-www-form-urlencoded");
    REQUIRE(res.status == 200);
    return res.json()["run_id"].get<std::string>();
  };
  auto run_a = post(a.port(), "sa");
  auto run_b = post(b.port(), "sb");
  post(a.port(), "shared");
  post(b.port(), "shared");
  for (auto port : {a.port(), b.port()}) {
    auto sessions = request(port, "GET", "/sessions?sort_by=created_at&sort_order=asc").json();
    CHECK(sessions["meta"]["total_count"] == 3);
    CHECK(request(port, "GET", "/sessions/shared").json()["run_count"] == 2);
    auto content = [&](const std::string& run, const std::string& session) {
      return request(port, "GET", "/agents/echo/runs/" + run + "?session_id=" + session)
          .json()["content"];
    };
    CHECK(content(run_a, "sa") == "from sa");
    CHECK(content(run_b, "sb") == "from sb");
    // Each finished run replays on either process from the shared store.
    auto r = resume(port, run_b, "sb", -1);
    auto events = events_by_index(read_to_end(*r));
    CHECK(events.size() == 4);
  }
}

TEST_CASE("PostgreSQL stopped for 20 s amid a fast run: the producer pauses and memory stays "
          "bounded and every index is stored once") {
  temp_dir dir;
  pg_database db;
  server_process server{db.url(), dir.path(), {"--unpersisted-bytes", "1048576"}};
  auto pid = server.pid();
  auto before = process_kib(pid, "VmRSS");
  // 49,998 words + RunStarted + RunCompleted = 50,000 events, as fast as they can go.
  auto res = request(server.port(), "POST", "/agents/echo/runs",
                     form_urlencode({{"message", words(49'998)}, {"stream", "false"},
                                     {"background", "true"}, {"delay_ms", "0"}}),
                     "application/x-www-form-urlencoded");
  REQUIRE(res.status == 202);
  std::string run_id = res.json()["run_id"];
  std::string session_id = res.json()["session_id"];
  pg_database::stop_server();

  // 20 s without a store: the run's producer must wait, not fill memory.
  int64_t peak_rss = before;
  int64_t peak_unpersisted = 0;
  auto outage_end = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (std::chrono::steady_clock::now() < outage_end) {
    peak_rss = std::max(peak_rss, process_kib(pid, "VmRSS"));
    peak_unpersisted = std::max(peak_unpersisted, metric(server.port(),
                                                         "runcast_unpersisted_bytes"));
    std::this_thread::sleep_for(std::chrono::milliseconds{250});
  }
  auto pauses = metric(server.port(), "runcast_producer_pauses_total");
  auto live_during = metric(server.port(), "runcast_live_runs");
  pg_database::start_server();

  // The run's record holds its 50,000-word input: fetching it costs the server more than a
  // batch of events (~0.1 s under TSan), so wait on the cheap live-runs gauge first.
  bool ended = eventually([&] { return metric(server.port(), "runcast_live_runs") == 0; },
                          std::chrono::seconds{120}, std::chrono::milliseconds{250});
  nlohmann::json last_seen;
  bool completed = ended && eventually(
    [&] {
      auto poll = request(server.port(), "GET",
                          "/agents/echo/runs/" + run_id + "?session_id=" + session_id);
      if (poll.status != 200)
        return false; // a pooled connection still dead from the outage: 503, retry
      last_seen = poll.json();
      return last_seen["status"] == "COMPLETED";
    },
    std::chrono::seconds{30}, std::chrono::milliseconds{250});
  INFO("last poll: " << last_seen.dump() << "\nserver log:\n" << server.log());
  REQUIRE(completed);
  CHECK(live_during == 1); // the run waited out the outage, it did not fail
  CHECK(pauses >= 1);
  // The run's bound is 1 MiB (frames and rows); the batches the run actor has in flight when
  // it is paused (at most max_unacked_batches) may overshoot it a little.
  CHECK(peak_unpersisted <= 1024 * 1024 + 512 * 1024);

  pqxx::connection conn{db.url()};
  pqxx::work tx{conn};
  auto row = tx.exec_params1("SELECT count(*), count(DISTINCT event_index), min(event_index), "
                             "max(event_index) FROM run_events WHERE run_id = $1",
                             run_id);
  CHECK(row[0].as<int64_t>() == 50'000);
  CHECK(row[1].as<int64_t>() == 50'000);
  CHECK(row[2].as<int64_t>() == 0);
  CHECK(row[3].as<int64_t>() == 49'999);
  std::printf("PostgreSQL down 20 s mid-run: producer paused %lld times, unpersisted bytes at "
              "most %lld, RSS %lld KiB before, at most %lld KiB during; the run completed "
              "with all 50,000 events stored once\n",
              static_cast<long long>(pauses), static_cast<long long>(peak_unpersisted),
              static_cast<long long>(before), static_cast<long long>(peak_rss));
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  CHECK(peak_rss - before < 64 * 1024);
#endif
}

TEST_CASE("a SIGSTOPped PostgreSQL fails calls within the statement timeout and /health "
          "stays responsive") {
  using namespace std::chrono_literals;
  temp_dir dir;
  pg_database db;
  auto url = db.url() + (db.url().find('?') == std::string::npos ? "?" : "&")
             + "statement_timeout=2000&connect_timeout=2";
  server_process server{url, dir.path()};
  auto port = server.port();
  auto started = request(port, "POST", "/agents/echo/runs",
                         form_urlencode({{"message", "warm up"}, {"stream", "false"}}),
                         "application/x-www-form-urlencoded");
  REQUIRE(started.status == 200);
  std::string run_id = started.json()["run_id"];
  std::string session_id = started.json()["session_id"];
  auto get_run = "/agents/echo/runs/" + run_id + "?session_id=" + session_id;

  struct thaw_guard {
    std::vector<int> pids;
    ~thaw_guard() {
      pg_database::thaw_server(pids);
    }
  } frozen{pg_database::freeze_server()};

  // Each call fails in bounded time (the client gives up after 8 s: a hang fails the test).
  for (int i = 0; i < 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto res = request(port, "GET", get_run, "", "", {}, 8s);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
    INFO(res.body);
    CHECK(res.status == 503);
    std::printf("store read with PostgreSQL stopped: %d after %.0f ms (statement timeout "
                "2000 ms, connect timeout 2 s)\n", res.status, ms.count());
    auto h0 = std::chrono::steady_clock::now();
    auto health = request(port, "GET", "/health", "", "", {}, 5s);
    auto hms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - h0);
    CHECK(health.status == 503);
    CHECK(health.json()["status"] == "unavailable");
    std::printf("/health with PostgreSQL stopped: %d after %.0f ms\n", health.status,
                hms.count());
  }
  CHECK(server.log().find("statement timeout") != std::string::npos);

  pg_database::thaw_server(frozen.pids);
  frozen.pids.clear();
  REQUIRE(eventually([&] { return request(port, "GET", "/health").status == 200; }, 30s,
                     200ms));
  CHECK(request(port, "GET", get_run).status == 200);
}
