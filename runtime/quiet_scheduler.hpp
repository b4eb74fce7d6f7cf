#pragma once

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <cstddef>

namespace runcast::runtime {

/// When an idle worker sleeps longer (see `use_quiet_scheduler`).
struct idle_sleep {
  caf::timespan after{std::chrono::seconds{1}};       ///< the span over which wakes count
  caf::timespan wait{std::chrono::milliseconds{100}}; ///< one wait of an idle worker
  size_t wakes = 50; ///< a worker woken for a job this often or less in a span is idle
};

/// Makes the actor system built from `cfg` run on runcast's scheduler (CAF takes a
/// scheduler module from the configuration when one is given): CAF's work-stealing
/// coordinator and workers, with three costs of CAF 0.17 taken out.
/// - Its timers run on a `quiet_clock` (runtime/quiet_clock.hpp): an ending actor that never
///   set a timeout wakes no thread.
/// - Its workers do not record, around every job they run, which actor runs on their thread
///   for CAF's log (which logs nothing here): a `dynamic_cast` and a spin-locked map update
///   per job, ~3 % of the server's CPU samples in the LLM-shaped benchmark
///   (bench/RESULTS.md).
/// - A worker that was woken for a job at most `idle_sleep::wakes` times in the last span
///   of `idle_sleep::after` (50 in 1 s) waits `idle_sleep::wait` (100 ms) at a time instead
///   of CAF's `relaxed-sleep-duration` (1 ms in runcast): an idle server's two workers woke
///   ~1,800 times a second between them, ~4 % of a core, and on a shared machine took turns
///   from busy neighbours' threads. A job from outside the scheduler wakes an idle worker at
///   once, as it did. A job that a busy worker enqueues for itself, which an idle worker
///   would only have stolen when its wait timed out, wakes an idle worker to steal it; when
///   no worker is idle (a busy server) that check is one atomic load.
///
/// The stock coordinator's own clock and its thread stay, idle (nothing reaches them once
/// `clock()` answers with the quiet one; an idle clock thread waits without a timeout). The
/// quiet clock gets a thread of its own, started before the workers and stopped after them.
void use_quiet_scheduler(caf::actor_system_config& cfg, idle_sleep idle = {});

/// How many of `sys`'s workers are in an idle worker's long wait now (0 when `sys` does not
/// run on the quiet scheduler).
size_t idle_workers(caf::actor_system& sys);

} // namespace runcast::runtime
