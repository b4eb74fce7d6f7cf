// log_bench: what the event log's promises cost on one node.
//
//   log_bench [live_events] [samples]
//
// Starts one runcast (PostgreSQL from $RUNCAST_TEST_PG_URL if set, else a SQLite file),
// then measures
//  1. first event of a new streamed run: time from POST to its first event frame, `samples`
//     times (a quiet node);
//  2. live 1 → 1: one run of `live_events` events emitted as fast as echo can, followed by
//     one client from the start: events/s from its first to its last event;
//  3. a resume's first event while another run of 100,000 events is writing: `samples`
//     resumes of a finished run whose log is gone (`--retention-ms 0`), so each reads the
//     store — time from POST …/resume to its first event frame.
// Needs RUNCAST_BIN (the runcast executable; any version with `--retention-ms`, so that an
// older build can be measured the same way). Prints the command and parameters first.

#include "tests/support/http_client.hpp"
#include "tests/support/pg_database.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/sse_client.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

using namespace runcast::test;
using clock_type = std::chrono::steady_clock;

namespace {

std::string words(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += (i ? " w" : "w") + std::to_string(i);
  return s;
}

std::string start_form(int words_n, bool stream, const std::string& session = "") {
  std::vector<std::pair<std::string, std::string>> f{
    {"message", words(words_n)}, {"stream", stream ? "true" : "false"},
    {"background", "true"}, {"delay_ms", "0"}};
  if (!session.empty())
    f.emplace_back("session_id", session);
  return form_urlencode(f);
}

/// The server's options: the bench's own, then $LOG_BENCH_ARGS (space-separated).
std::vector<std::string> bench_args() {
  std::vector<std::string> args{"--retention-ms", "0", "--max-body-bytes", "4194304"};
  if (const char* extra = std::getenv("LOG_BENCH_ARGS")) {
    std::istringstream in{extra};
    for (std::string a; in >> a;)
      args.push_back(a);
  }
  return args;
}

double ms_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

void print_latency(const char* what, const std::vector<double>& ms) {
  std::printf("%s: n=%zu p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", what, ms.size(),
              percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0));
}

/// Reads frames until the first event frame; false if the stream ended first.
bool first_event(sse_client& c) {
  while (auto f = c.next(std::chrono::seconds{30}))
    if (f->id)
      return true;
  return false;
}

} // namespace

int main(int argc, char** argv) {
  int live_events = argc > 1 ? std::atoi(argv[1]) : 100'000;
  int samples = argc > 2 ? std::atoi(argv[2]) : 50;
  std::cout << "command: " << argv[0] << " " << live_events << " " << samples << "\n";
  try {
    temp_dir dir;
    std::unique_ptr<pg_database> pg;
    std::string db = "sqlite:" + dir.file("bench.db").string();
    if (std::getenv("RUNCAST_TEST_PG_URL")) {
      pg = std::make_unique<pg_database>();
      db = pg->url();
    }
    std::cout << "server: " << std::getenv("RUNCAST_BIN") << " (extra options: "
              << (std::getenv("LOG_BENCH_ARGS") ? std::getenv("LOG_BENCH_ARGS") : "none")
              << ")\nstore: "
              << (pg ? "postgresql" : "sqlite") << ", live events: " << live_events
              << ", samples: " << samples << "\n";
    server_process server{db, dir.path(), bench_args()};
    auto port = server.port();
    const char* form_type = "application/x-www-form-urlencoded";

    // 1. First event of a new streamed run.
    {
      std::vector<double> ms;
      for (int i = 0; i < samples; ++i) {
        auto t = clock_type::now();
        sse_client c{port, "POST", "/agents/echo/runs", start_form(3, true), form_type};
        if (!first_event(c))
          throw std::runtime_error("a streamed run sent no event");
        ms.push_back(ms_since(t));
        while (c.next(std::chrono::seconds{30})) {
        }
      }
      print_latency("first event of a new streamed run", ms);
    }

    // 2. Live 1 → 1.
    {
      sse_client c{port, "POST", "/agents/echo/runs", start_form(live_events - 2, true),
                   form_type};
      size_t events = 0;
      clock_type::time_point first{}, last{};
      while (auto f = c.next(std::chrono::seconds{60})) {
        if (!f->id) {
          std::printf("  live stream: %s %s\n", f->event.c_str(), f->data.c_str());
          continue;
        }
        if (events++ == 0)
          first = clock_type::now();
        last = clock_type::now();
      }
      double secs = std::chrono::duration<double>(last - first).count();
      std::printf("live 1 -> 1: %zu events in %.3f s = %.0f events/s\n", events, secs,
                  static_cast<double>(events) / secs);
    }

    // 3. A resume's first event while a 100,000-event run writes.
    {
      auto done = request(port, "POST", "/agents/echo/runs", start_form(18, false, "bench"),
                          form_type);
      std::string run = done.json()["run_id"];
      std::this_thread::sleep_for(std::chrono::milliseconds{500}); // finished, log gone
      auto writer = request(port, "POST", "/agents/echo/runs",
                            start_form(100'000 - 2, false, "writer"), form_type);
      std::string writer_run = writer.json()["run_id"];
      std::vector<double> ms;
      for (int i = 0; i < samples; ++i) {
        auto t = clock_type::now();
        sse_client c{port, "POST", "/agents/echo/runs/" + run + "/resume",
                     form_urlencode({{"last_event_index", "4"}, {"session_id", "bench"}}),
                     form_type};
        if (!first_event(c))
          throw std::runtime_error("a resume sent no event");
        ms.push_back(ms_since(t));
      }
      auto status = request(port, "GET", "/agents/echo/runs/" + writer_run + "?session_id=writer")
                      .json()["status"]
                      .get<std::string>();
      print_latency("resume's first event (from the store) while a 100,000-event run writes",
                    ms);
      std::printf("  the writing run was %s when the last resume had its first event\n",
                  status.c_str());
    }
  } catch (const std::exception& e) {
    std::cerr << "log_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
