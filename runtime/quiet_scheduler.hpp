#pragma once

#include <caf/fwd.hpp>

namespace runcast::runtime {

/// Makes the actor system built from `cfg` run on runcast's scheduler (CAF takes a
/// scheduler module from the configuration when one is given): CAF's work-stealing
/// coordinator and workers, with two costs of CAF 0.17 taken out.
/// - Its timers run on a `quiet_clock` (runtime/quiet_clock.hpp): an ending actor that never
///   set a timeout wakes no thread.
/// - Its workers do not record, around every job they run, which actor runs on their thread
///   for CAF's log (which logs nothing here): a `dynamic_cast` and a spin-locked map update
///   per job, ~3 % of the server's CPU samples in the LLM-shaped benchmark
///   (bench/RESULTS.md).
///
/// The stock coordinator's own clock and its thread stay, idle (nothing reaches them once
/// `clock()` answers with the quiet one; an idle clock thread waits without a timeout). The
/// quiet clock gets a thread of its own, started before the workers and stopped after them.
void use_quiet_scheduler(caf::actor_system_config& cfg);

} // namespace runcast::runtime
