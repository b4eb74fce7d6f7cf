#pragma once

// Helpers for integration tests that drive a real runcast over HTTP.

#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/sse_client.hpp"
#include "tests/support/pg_database.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace runcast::test {

/// A server on a fresh database: a SQLite file in its own temp dir, or — when
/// RUNCAST_TEST_STORE=postgresql — a fresh database on the test PostgreSQL server.
struct server_fixture {
  explicit server_fixture(std::vector<std::string> extra_args = {});

  /// Restarts the server on the same database (after stop() or kill9()).
  void restart();

  uint16_t port() const {
    return server->port();
  }

  temp_dir dir;
  std::unique_ptr<pg_database> pg;
  std::string db;
  std::vector<std::string> args;
  std::unique_ptr<server_process> server;
};

using fields = std::vector<std::pair<std::string, std::string>>;

/// POST /{component}/runs as a stream (urlencoded form); `component` is "kind/id".
std::unique_ptr<sse_client> start_stream(uint16_t port, const fields& form,
                                         const std::string& component = "agents/echo");

/// POST …/resume with last_event_index and session_id.
std::unique_ptr<sse_client> resume(uint16_t port, const std::string& run_id,
                                   const std::string& session_id, int64_t last_event_index,
                                   const std::string& component = "agents/echo");

/// Every frame until the server ends the response (bounded).
std::vector<sse_frame> read_to_end(sse_client& c,
                                   std::chrono::milliseconds timeout = std::chrono::seconds{20});

/// The next `n` frames (bounded).
std::vector<sse_frame> read_frames(sse_client& c, size_t n);

/// `event_index` → `data:` of the event frames among `frames`.
std::map<int64_t, std::string> events_by_index(const std::vector<sse_frame>& frames);

/// The `gap` objects of the meta frames among `frames` ({"from": a, "to": b}), in order.
std::vector<nlohmann::json> gaps_in(const std::vector<sse_frame>& frames);

/// Polls GET …/runs/{id} until its status is `status` (bounded); returns the last JSON.
nlohmann::json poll_until(uint16_t port, const std::string& run_id, const std::string& session_id,
                          const std::string& status,
                          std::chrono::milliseconds timeout = std::chrono::seconds{20},
                          const std::string& component = "agents/echo");

/// A message of `n` words ("w0 w1 …").
std::string words(int n);

/// Value of a Prometheus gauge from GET /metrics.
int64_t metric(uint16_t port, const std::string& name);

/// A memory figure of a process from /proc/PID/status, in KiB ("VmRSS", "VmHWM" = peak).
int64_t process_kib(pid_t pid, const std::string& field);

} // namespace runcast::test
