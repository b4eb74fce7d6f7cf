#pragma once

#include "actors/runnable.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace runcast::runnables {

/// A load generator for bench/ (not in the demo set: `--bench-agent 1` adds it as the agent
/// `bench`). Emits `events` content events of `bytes` bytes each, `rate` per second (0: as
/// fast as the run's flow control lets it), after waiting `wait_ms` (so that clients can
/// join before the first event). Each content starts with `ts=<ns since the epoch>;` — the
/// wall clock when it was made or, when paced, when it was due (so a server that falls
/// behind shows its lag) — so a client on the same machine measures end-to-end latency.
class bench_runnable : public actors::step_runnable {
public:
  struct params {
    int64_t events = 1000;
    size_t bytes = 200;
    int64_t rate = 0;
    std::chrono::milliseconds wait{0};
  };

  explicit bench_runnable(params p, std::string content_event = "RunContent");

  actors::step next() override;

private:
  /// One event's content, stamped `ns` (wall clock, ns since the epoch).
  std::string make_content(int64_t ns) const;

  params p_;
  std::string content_event_;
  int64_t emitted_ = 0;
  bool waited_ = false;
  std::chrono::steady_clock::time_point start_{};
  int64_t start_wall_ns_ = 0; ///< start_ on the wall clock
};

} // namespace runcast::runnables
