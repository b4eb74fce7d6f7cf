// How the engine configures an actor system it runs on (declared in runtime/engine.hpp, so
// that an embedding program can configure its own system the same way).

#include "runtime/engine.hpp"

#include "runtime/quiet_scheduler.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include <algorithm>
#include <thread>

namespace runcast::runtime {

void configure_actor_system(caf::actor_system_config& cfg, const engine_options& opts) {
  auto workers = opts.worker_threads;
  if (workers == 0)
    workers = std::max<size_t>(2, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", workers);
  // CAF's work-stealing scheduler, without a wake-up of the clock thread per ending actor
  // and without the log's bookkeeping per job (runtime/quiet_scheduler.hpp).
  use_quiet_scheduler(cfg);
  // An idle CAF worker spins briefly, then (by default) polls 500 times with a 50 µs sleep
  // before it waits on its condition variable. Each of those sleeps is a system call and a
  // timer; on a small machine the polling workers took the CPU from the threads with work
  // (the store, the HTTP threads): ~20 % of the server's time in live 1→1. Without the
  // moderate phase a waiting worker is woken when work is enqueued for it: live 1→1 +30 %,
  // CPU per event −30 % (bench/RESULTS.md).
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  // Nor the spinning phase before it: CAF's 100 attempts of try-dequeue-and-steal kept an
  // idle worker on a core the HTTP threads and the store needed. Without them, live 1→1
  // 422k vs 394k events/s, fan-out 1.19M vs 1.11M with first-event p99 105 vs 159 ms, the
  // LLM shape's end-to-end p99 582 vs 1,502 ms; replays level (bench/RESULTS.md, 5 reps).
  cfg.set("work-stealing.aggressive-poll-attempts", size_t{0});
  // A waiting worker is woken when work is enqueued from outside the scheduler, but not when
  // the other worker enqueues for itself and stays busy: then the waiting one only steals
  // after its wait times out. CAF's 10 ms showed as 10–20 ms tails at low load; 1 ms bounds
  // that. A worker with next to nothing to do waits longer and is woken for such a job
  // instead (idle_sleep in runtime/quiet_scheduler.hpp): an idle node does not pay the
  // ~1,000 wake-ups a second per worker that 1 ms would cost.
  cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{std::chrono::milliseconds{1}});
  if (opts.cluster.port != 0) {
    cfg.load<caf::io::middleman>();
    // Heartbeats make a hung peer (SIGSTOP, partition) visible: without them only a closed
    // socket is noticed.
    cfg.set("middleman.heartbeat-interval", caf::timespan{opts.cluster.heartbeat});
    cfg.set("middleman.connection-timeout", caf::timespan{opts.cluster.connection_timeout});
  }
}

} // namespace runcast::runtime
