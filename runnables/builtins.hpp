#pragma once

#include "actors/runnable_registry.hpp"
#include "runnables/process_slots.hpp"

#include <cstddef>

namespace runcast::runnables {

/// The runnables runcast ships, by the name a component's `runnable` gives: `echo`,
/// `command` (command_runnable.hpp), `team` (team_runnable.hpp), `workflow`
/// (workflow_runnable.hpp). The child processes of this registry's runnables share one
/// node-wide bound, `max_child_processes` (process_slots.hpp): a run that would exceed it
/// fails at once.
actors::runnable_registry builtins(size_t max_child_processes = process_slots::default_limit);

} // namespace runcast::runnables
