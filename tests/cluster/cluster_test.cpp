// Multi-process cluster tests on 127.0.0.1: three runcast nodes sharing one PostgreSQL.
// A resume on any node gets the owner's live tail; a lost owner ends streams with an
// `error` frame; a node with the wrong secret is refused; one that cannot bind its cluster
// port exits.

#include "tests/cluster/cluster_fixture.hpp"
#include "tests/integration/run_helpers.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <pqxx/pqxx>

using namespace runcast::test;

namespace {

struct started_run {
  std::string run_id;
  std::string session_id;
  std::vector<sse_frame> head;
};

/// A background+stream run on node `port`, of `n` words `delay_ms` apart; reads `k` frames.
started_run start_on(uint16_t port, int n, int delay_ms, size_t k) {
  auto c = start_stream(port, {{"message", words(n)}, {"background", "true"},
                               {"delay_ms", std::to_string(delay_ms)}});
  started_run r;
  r.head = read_frames(*c, k);
  r.run_id = r.head[0].json()["run_id"];
  r.session_id = r.head[0].json()["session_id"];
  c->close();
  return r;
}

} // namespace

TEST_CASE("a run started on n1 is resumed live on n2 and n3 with the same bytes as on n1") {
  cluster_fixture fx;
  fx.await_peers(0, 2);
  fx.await_peers(1, 2);
  fx.await_peers(2, 2);
  constexpr int n_words = 40; // 42 events
  auto run = start_on(fx.port(0), n_words, 50, 5);
  auto on_n2 = resume(fx.port(1), run.run_id, run.session_id, 4);
  auto on_n3 = resume(fx.port(2), run.run_id, run.session_id, 4);
  auto f2 = read_to_end(*on_n2);
  auto f3 = read_to_end(*on_n3);
  CHECK(f2.front().event == "catch_up");
  CHECK(f3.front().event == "catch_up");
  auto e2 = events_by_index(f2);
  auto e3 = events_by_index(f3);
  REQUIRE(e2.size() == 42 - 5);
  REQUIRE(e3.size() == 42 - 5);
  int64_t expected = 5;
  for (const auto& f : f2)
    if (f.id)
      CHECK(std::stoll(*f.id) == expected++);
  CHECK(f2.back().event == "RunCompleted");
  CHECK(f3.back().event == "RunCompleted");
  auto on_n1 = resume(fx.port(0), run.run_id, run.session_id, 4);
  auto e1 = events_by_index(read_to_end(*on_n1));
  CHECK(e1 == e2);
  CHECK(e1 == e3);
  // The run is persisted in the shared store: any node polls it.
  auto polled = request(fx.port(2), "GET",
                        "/agents/echo/runs/" + run.run_id + "?session_id=" + run.session_id);
  CHECK(polled.json()["status"] == "COMPLETED");
}

TEST_CASE("cancel on another node reaches the owner") {
  cluster_fixture fx;
  fx.await_peers(1, 2);
  auto run = start_on(fx.port(0), 200, 50, 2);
  auto cancel = request(fx.port(1), "POST",
                        "/agents/echo/runs/" + run.run_id + "/cancel?session_id=" + run.session_id);
  CHECK(cancel.status == 200);
  poll_until(fx.port(2), run.run_id, run.session_id, "CANCELLED");
}

namespace {

/// The owner n1 dies (or hangs) during a live tail on n2: n2's client gets every event that
/// reached n2 in order, then an `error` frame naming n1 within 3 s; a later resume on n2
/// replays what the store holds and says the owner is gone.
void owner_lost(bool hang) {
  cluster_fixture fx;
  fx.await_peers(1, 2);
  auto run = start_on(fx.port(0), 400, 20, 3);
  auto tail = resume(fx.port(1), run.run_id, run.session_id, 2);
  auto before = read_frames(*tail, 10); // catch_up, …, live events
  auto lost_at = std::chrono::steady_clock::now();
  if (hang)
    ::kill(fx.nodes[0]->pid(), SIGSTOP);
  else
    fx.nodes[0]->kill9();
  int64_t last = 2;
  std::optional<sse_frame> error;
  for (const auto& f : before)
    if (f.id)
      last = std::stoll(*f.id);
  for (;;) {
    auto f = tail->next(std::chrono::seconds{3}); // throws if the owner's loss goes unnoticed
    REQUIRE(f);
    if (f->event == "error") {
      error = f;
      // Printed, not asserted: timing is for bench/, the 3 s bound above is the contract.
      WARN((hang ? "SIGSTOP" : "kill -9") << " of the owner noticed by n2's client after "
           << std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - lost_at).count()
           << " ms");
      break;
    }
    if (f->id) {
      REQUIRE(std::stoll(*f->id) == last + 1);
      last = std::stoll(*f->id);
    }
  }
  CHECK(error->json()["error"].get<std::string>().find("n1") != std::string::npos);
  CHECK_FALSE(tail->next(std::chrono::seconds{3})); // and the stream ends
  auto later = resume(fx.port(1), run.run_id, run.session_id, -1);
  auto frames = read_to_end(*later);
  REQUIRE(frames.size() >= 3);
  CHECK(frames.front().event == "replay");
  CHECK(frames.back().event == "error");
  CHECK(frames.back().json()["error"].get<std::string>().find("n1") != std::string::npos);
  auto events = events_by_index(frames);
  int64_t expected = 0;
  for (const auto& [index, data] : events)
    CHECK(index == expected++);
  if (hang)
    fx.nodes[0]->kill9(); // SIGKILL ends a stopped process too
}

} // namespace

TEST_CASE("kill -9 of the owner during a remote live tail ends the stream with an error frame") {
  owner_lost(false);
}

TEST_CASE("a hung owner (SIGSTOP) is noticed by heartbeats with the same outcome") {
  owner_lost(true);
}

TEST_CASE("a node with the wrong cluster secret is refused and serves nothing remote") {
  cluster_fixture fx{{"s3cret", "s3cret", "wrong"}};
  fx.await_peers(0, 1); // n1 sees n2 only
  CHECK(fx.nodes[0]->wait_for_log("refused peer 'n3'", std::chrono::seconds{5}));
  CHECK(request(fx.port(2), "GET", "/health").json()["peers"].empty());
  auto run = start_on(fx.port(0), 100, 50, 3);
  // n3 cannot follow n1's live run: it serves what the store holds and says n1 is out of reach.
  auto r = resume(fx.port(2), run.run_id, run.session_id, -1);
  auto frames = read_to_end(*r);
  CHECK(frames.back().event == "error");
  // And n3 cannot cancel n1's run.
  auto cancel = request(fx.port(2), "POST",
                        "/agents/echo/runs/" + run.run_id + "/cancel?session_id=" + run.session_id);
  CHECK(cancel.status == 409);
}

TEST_CASE("a node whose cluster port is taken exits and says why") {
  temp_dir dir;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor taken{ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  server_options o;
  o.db = "sqlite:" + (dir.path() / "n1.db").string();
  o.log_dir = dir.path();
  auto port = std::to_string(taken.local_endpoint().port());
  auto peer = "127.0.0.1:" + std::to_string(free_port());
  o.extra_args = {"--node-id", "n1", "--cluster-port", port, "--peers", peer,
                  "--cluster-secret", "s"};
  // It used to hang in its actor system's destructor, silent, until killed.
  REQUIRE_THROWS_WITH(server_process{o}, Catch::Contains("exited with code")
                                           && Catch::Contains("cannot bind the cluster port"));
}

TEST_CASE("a resume on another node across a hole in the store gets a meta frame naming it") {
  cluster_fixture fx;
  auto c = start_stream(fx.port(0), {{"message", words(10)}, {"background", "true"},
                                     {"delay_ms", "0"}});
  auto live = read_to_end(*c);
  std::string run_id = live.front().json()["run_id"];
  std::string session_id = live.front().json()["session_id"];
  {
    pqxx::connection conn{fx.db.url()};
    pqxx::work tx{conn};
    tx.exec_params0("DELETE FROM run_events WHERE run_id = $1 AND event_index IN (6, 7)",
                    run_id);
    tx.commit();
  }
  // n2 holds no log of the run: it serves it from the shared store.
  auto r = resume(fx.port(1), run_id, session_id, 2);
  auto frames = read_to_end(*r);
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.front().event == "replay");
  auto gaps = gaps_in(frames);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0] == nlohmann::json{{"from", 6}, {"to", 7}});
  auto events = events_by_index(frames);
  CHECK(events.size() == 12 - 3 - 2); // 3..11 without 6 and 7
  CHECK(events.count(5) == 1);
  CHECK(events.count(8) == 1);
  CHECK(frames.back().event == "RunCompleted");
}
