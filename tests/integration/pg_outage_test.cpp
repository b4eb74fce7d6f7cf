// PostgreSQL restarts in the middle of a 2,000-event run: afterwards the store holds every
// event 0…1999 exactly once and the run is COMPLETED. Runs alone (it stops the shared server).

#include "tests/integration/run_helpers.hpp"
#include "tests/support/pg_database.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

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
  CHECK(server.log().find("retrying until the store answers") != std::string::npos); // the outage was real
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
    CHECK(request(port, "GET", "/agents/echo/runs/" + run_a + "?session_id=sa").json()["content"] == "from sa");
    CHECK(request(port, "GET", "/agents/echo/runs/" + run_b + "?session_id=sb").json()["content"] == "from sb");
    // Each finished run replays on either process from the shared store.
    auto r = resume(port, run_b, "sb", -1);
    auto events = events_by_index(read_to_end(*r));
    CHECK(events.size() == 4);
  }
}
