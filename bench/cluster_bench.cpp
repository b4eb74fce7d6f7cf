// cluster_bench: what following a run from another node costs.
//
//   cluster_bench [events] [resumes]
//
// Starts two runcast nodes (n1, n2) on 127.0.0.1 sharing one store (PostgreSQL from
// $RUNCAST_TEST_PG_URL if set, else one SQLite file), then measures
//  1. live-tail throughput of one run with `events` events emitted as fast as the runnable
//     can, followed by one SSE client on the owner n1 and one on n2 at the same time;
//  2. time to first frame of `resumes` resumes of a live run, on n1 (local) and n2 (remote).
// Needs RUNCAST_BIN (the runcast executable). Prints the command and parameters first.

#include "tests/support/free_port.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/sse_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/pg_database.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

using namespace runcast::test;
using clock_type = std::chrono::steady_clock;

namespace {

std::string words(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += (i ? " w" : "w") + std::to_string(i);
  return s;
}

std::unique_ptr<sse_client> resume(uint16_t port, const std::string& run,
                                   const std::string& session, int64_t last) {
  return std::make_unique<sse_client>(
    port, "POST", "/agents/echo/runs/" + run + "/resume",
    form_urlencode({{"last_event_index", std::to_string(last)}, {"session_id", session}}),
    "application/x-www-form-urlencoded");
}

/// Reads a resume to its end; returns (events, seconds from first to last event).
std::pair<size_t, double> drain(uint16_t port, const std::string& run, const std::string& session) {
  auto c = resume(port, run, session, -1);
  size_t events = 0;
  clock_type::time_point first{};
  clock_type::time_point last{};
  while (auto f = c->next(std::chrono::seconds{60})) {
    if (!f->id)
      continue;
    if (events++ == 0)
      first = clock_type::now();
    last = clock_type::now();
  }
  return {events, std::chrono::duration<double>(last - first).count()};
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

} // namespace

int main(int argc, char** argv) {
  int events = argc > 1 ? std::atoi(argv[1]) : 20000;
  int resumes = argc > 2 ? std::atoi(argv[2]) : 200;
  std::cout << "command: " << argv[0] << " " << events << " " << resumes << "\n";
  try {
    temp_dir dir;
    std::unique_ptr<pg_database> pg;
    std::string db = "sqlite:" + dir.file("bench.db").string();
    if (std::getenv("RUNCAST_TEST_PG_URL")) {
      pg = std::make_unique<pg_database>();
      db = pg->url();
    }
    std::cout << "store: " << (pg ? "postgresql" : "sqlite (shared file)")
              << ", nodes: 2 on 127.0.0.1, events: " << events << ", resumes: " << resumes
              << "\n";
    uint16_t p1 = free_port(), p2 = free_port();
    auto node = [&](const char* id, uint16_t port, uint16_t peer) {
      server_options o;
      o.db = db;
      o.log_dir = dir.path();
      o.name = id;
      o.extra_args = {"--node-id", id, "--cluster-port", std::to_string(port), "--peers",
                      "127.0.0.1:" + std::to_string(peer), "--cluster-secret", "bench",
                      "--retain-events", std::to_string(events + 10)};
      return std::make_unique<server_process>(o);
    };
    auto n1 = node("n1", p1, p2);
    auto n2 = node("n2", p2, p1);
    for (int i = 0; i < 100 && request(n2->port(), "GET", "/health").json()["peers"].empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds{50});

    // 1. Live tail: one run, one client per node, started together.
    {
      auto res = request(n1->port(), "POST", "/agents/echo/runs",
                         form_urlencode({{"message", words(events - 2)}, {"stream", "false"},
                                         {"background", "true"}, {"delay_ms", "0"}}),
                         "application/x-www-form-urlencoded");
      std::string run = res.json()["run_id"], session = res.json()["session_id"];
      std::pair<size_t, double> local, remote;
      std::thread t1{[&] { local = drain(n1->port(), run, session); }};
      std::thread t2{[&] { remote = drain(n2->port(), run, session); }};
      t1.join();
      t2.join();
      double local_rate = static_cast<double>(local.first) / local.second;
      double remote_rate = static_cast<double>(remote.first) / remote.second;
      std::printf("live tail  local (n1): %zu events in %.3f s = %.0f events/s\n", local.first,
                  local.second, local_rate);
      std::printf("live tail remote (n2): %zu events in %.3f s = %.0f events/s (%.2f x local)\n",
                  remote.first, remote.second, remote_rate, remote_rate / local_rate);
    }

    // 2. Time to first frame of a resume, owner local vs remote.
    {
      auto res = request(n1->port(), "POST", "/agents/echo/runs",
                         form_urlencode({{"message", words(100)}, {"stream", "false"},
                                         {"background", "true"}, {"delay_ms", "1000"}}),
                         "application/x-www-form-urlencoded");
      std::string run = res.json()["run_id"], session = res.json()["session_id"];
      for (auto [name, port] : {std::pair{"local (n1)", n1->port()}, {"remote (n2)", n2->port()}}) {
        std::vector<double> ms;
        for (int i = 0; i < resumes; ++i) {
          auto start = clock_type::now();
          auto c = resume(port, run, session, 0);
          auto f = c->next(std::chrono::seconds{10});
          auto took = std::chrono::duration<double, std::milli>(clock_type::now() - start);
          ms.push_back(took.count());
          if (!f || f->event != "catch_up")
            throw std::runtime_error("unexpected first frame");
          c->close();
        }
        std::printf("resume first frame %-11s p50 %.2f ms, p99 %.2f ms (%d resumes)\n", name,
                    percentile(ms, 0.50), percentile(ms, 0.99), resumes);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "cluster_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
