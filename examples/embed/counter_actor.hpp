#pragma once

// The application's own CAF actor, run by runcast as an agent: it counts to `count`
// (a request parameter, default 10), one number every `delay_ms` (default 100).

#include <runcast/runnable.hpp>

#include <caf/fwd.hpp>

/// Spawns one counter actor for one run (what `components::actor` asks for).
runcast::runnable_actor spawn_counter(caf::actor_system& sys);
