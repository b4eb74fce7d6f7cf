#pragma once

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace runcast::runtime {

/// Makes the actor system built from `cfg` run on runcast's scheduler (CAF takes a
/// scheduler module from the configuration when one is given): CAF's work-stealing
/// coordinator and workers, with three costs of CAF 0.17 taken out.
/// - Its timers run on a `quiet_clock` (runtime/quiet_clock.hpp): an ending actor that never
///   set a timeout wakes no thread.
/// - Its workers do not record, around every job they run, which actor runs on their thread
///   for CAF's log (which logs nothing here): a `dynamic_cast` and a spin-locked map update
///   per job, ~3 % of the server's CPU samples in the LLM-shaped benchmark
///   (bench/RESULTS.md).
/// - Its idle workers sleep until there is work (runtime/idle_work_stealing.hpp) instead of
///   waking every millisecond to look for some.
///
/// The stock coordinator's own clock and its thread stay, idle (nothing reaches them once
/// `clock()` answers with the quiet one; an idle clock thread waits without a timeout). The
/// quiet clock gets a thread of its own, started before the workers and stopped after them.
///
/// `deep_wait` bounds an idle worker's sleep: a safety net only, as every job that would wait
/// behind a busy worker wakes a sleeping one (tests set it long to show that).
void use_quiet_scheduler(caf::actor_system_config& cfg,
                         caf::timespan deep_wait = std::chrono::milliseconds{100});

/// How the idle workers of a system on this scheduler sleep (all zero on another scheduler).
struct idle_stats {
  size_t deep_sleepers = 0;    ///< workers asleep until there is work
  uint64_t woken_for_work = 0; ///< sleeps ended by a worker that had a job it could not run
};

idle_stats quiet_scheduler_idle_stats(caf::actor_system& sys);

} // namespace runcast::runtime
