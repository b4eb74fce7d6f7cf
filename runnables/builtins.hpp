#pragma once

#include "actors/runnable_registry.hpp"

namespace runcast::runnables {

/// The runnables runcast ships, by the name a component's `runnable` gives: `echo`, `team`
/// (a team's members, runnables/team_runnable.hpp), `workflow` (runnables/workflow_runnable.hpp).
actors::runnable_registry builtins();

} // namespace runcast::runnables
