#include "core/limit_options.hpp"

#include <cstdio>

namespace runcast {

namespace {

constexpr int64_t hour_ms = 3'600'000;
constexpr int64_t week_ms = 7 * 24 * hour_ms;

} // namespace

const std::vector<limit_option>& limit_options() {
  using l = limits;
  static const std::vector<limit_option> options{
    {"retain-events", "most stored events kept in memory per run", &l::retain_events, 1,
     100'000'000},
    {"retain-bytes", "most bytes of stored events kept in memory per run", &l::retain_bytes,
     1024, 1LL << 40},
    {"retention-ms", "keep a finished run's events in memory this long", &l::retention, 0,
     week_ms},
    {"flush-batch", "events per store transaction", &l::flush_batch, 1, 100'000},
    {"store-retry-max-ms", "longest back-off between store write retries",
     &l::store_retry_max, 50, hour_ms},
    {"unpersisted-bytes",
     "unwritten bytes (frames and rows) of a run before its producer pauses",
     &l::unpersisted_bytes, 1024, 1LL << 40},
    {"store-outage-ms", "store writes failing this long fail the run", &l::store_outage, 100,
     week_ms},
    {"node-unpersisted-bytes",
     "unwritten bytes (frames and rows) of all runs before producers pause",
     &l::node_unpersisted_bytes, 1024, 1LL << 40},
    {"finished-logs", "finished runs kept in memory for resumes", &l::finished_logs, 0,
     100'000'000},
    {"finished-bytes", "bytes of finished runs kept in memory", &l::finished_bytes, 0,
     1LL << 40},
    {"step-batch", "zero-delay steps of a step runnable batched together", &l::step_batch, 1,
     100'000},
    {"max-pending-emits", "events an async runnable may have waiting", &l::max_pending_emits,
     1, 100'000'000},
    {"io-threads", "threads of the executor async runnables use", &l::io_threads, 1, 64},
    {"max-live-runs", "runs running at once; past it starts answer 429", &l::max_live_runs, 1,
     10'000'000},
    {"max-starting-runs", "starts waiting for the store; past it starts answer 429",
     &l::max_starting_runs, 1, 10'000'000},
    {"max-streams", "SSE streams open at once; past it streams answer 503", &l::max_streams, 1,
     1'000'000},
    {"retry-after-ms", "the Retry-After hint of a 429 or 503 answer", &l::retry_after, 1000,
     hour_ms},
    {"window", "frames in flight per subscriber", &l::subscriber_window, 1, 1'000'000},
    {"stall-timeout-ms", "cut a subscriber whose window stays full this long",
     &l::stall_timeout, 100, hour_ms},
    {"stall-check-ms", "how often stalled subscribers are looked for", &l::stall_check, 10,
     hour_ms},
    {"keepalive-ms", "idle SSE keepalive comment interval", &l::keepalive, 100, hour_ms},
    {"sse-retry-ms", "the retry: hint sent to SSE clients", &l::sse_retry, 0, hour_ms},
    {"replay-batch", "events per store read when replaying from the store", &l::replay_batch,
     1, 100'000},
    {"replay-first-batch", "events in a store replay's first read (a short one: sooner first "
     "event)", &l::replay_first_batch, 1, 100'000},
    {"max-body-bytes", "request body limit", &l::max_body_bytes, 1024, 1LL << 30},
    {"max-header-bytes", "request header limit", &l::max_header_bytes, 1024, 1LL << 20},
    {"read-timeout-ms", "time to read one request from its first byte", &l::read_timeout,
     100, hour_ms},
    {"idle-timeout-ms", "an idle connection waits this long for a request", &l::idle_timeout,
     100, hour_ms},
    {"write-timeout-ms", "time to write one response", &l::write_timeout, 100, hour_ms},
    {"auth-cookie-ttl-ms", "a browser login (POST /auth/login) lasts this long",
     &l::auth_cookie_ttl, 60'000, 30 * 24 * hour_ms},
    {"max-connections", "open HTTP connections, streams included", &l::max_connections, 1,
     1'000'000},
    {"write-max-frames", "frames gathered into one socket write", &l::write_max_frames, 1,
     1'000'000},
    {"write-max-bytes", "bytes gathered into one socket write", &l::write_max_bytes, 1024,
     1LL << 30},
    {"store-timeout-ms", "time for one store request", &l::store_timeout, 100, hour_ms},
    {"health-timeout-ms", "/health answers 503 when the store takes longer to answer",
     &l::health_timeout, 100, hour_ms},
    {"store-threads", "threads for blocking store reads", &l::store_threads, 1, 256},
    {"session-delete-wait-ms", "DELETE /sessions waits this long for cancelled runs",
     &l::session_delete_wait, 0, hour_ms},
    {"peer-connect-timeout-ms", "time to connect to a peer and say hello",
     &l::peer_connect_timeout, 100, hour_ms},
    {"peer-backoff-min-ms", "first reconnect back-off", &l::peer_backoff_min, 10, hour_ms},
    {"peer-backoff-max-ms", "longest reconnect back-off", &l::peer_backoff_max, 10, hour_ms},
    {"shutdown-grace-ms", "on shutdown, time for live runs to finish before they end ERROR",
     &l::shutdown_grace, 0, hour_ms},
  };
  return options;
}

int64_t value_of(const limit_option& o, const limits& lim) {
  if (auto count = std::get_if<size_t limits::*>(&o.field))
    return static_cast<int64_t>(lim.**count);
  return static_cast<int64_t>((lim.*std::get<limits::ms limits::*>(o.field)).count());
}

void set_value(const limit_option& o, limits& lim, int64_t value) {
  if (auto count = std::get_if<size_t limits::*>(&o.field))
    lim.**count = static_cast<size_t>(value);
  else
    lim.*std::get<limits::ms limits::*>(o.field) = limits::ms{value};
}

std::string limit_options_help() {
  std::string out;
  const limits defaults;
  for (const auto& o : limit_options()) {
    std::string flag = std::string{"  --"} + o.flag + " N";
    char line[256];
    std::snprintf(line, sizeof line, "%-30s %s (default %lld)\n", flag.c_str(), o.help,
                  static_cast<long long>(value_of(o, defaults)));
    out += line;
  }
  return out;
}

} // namespace runcast
