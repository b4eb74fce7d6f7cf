#pragma once

#include "actors/runnable_registry.hpp"
#include "runnables/process_slots.hpp"
#include "runnables/tool_runner.hpp"

#include <memory>

namespace runcast::runnables {

/// The runnables runcast ships, by the name a component's `runnable` gives: `echo`, `bench`
/// (bench_runnable.hpp: a load generator),
/// `command` (command_runnable.hpp), `openai` (openai_runnable.hpp: any OpenAI-compatible
/// chat-completions endpoint), `team` (team_runnable.hpp), `workflow`
/// (workflow_runnable.hpp). The child processes of this registry's runnables — commands and
/// model tools — share one node-wide bound, `max_child_processes` (process_slots.hpp): a run
/// or tool call that would exceed it fails at once. `tools` runs the model's tool calls;
/// null: a process_tool_runner on those slots.
actors::runnable_registry builtins(size_t max_child_processes = process_slots::default_limit,
                                   std::shared_ptr<tool_runner> tools = nullptr);

} // namespace runcast::runnables
