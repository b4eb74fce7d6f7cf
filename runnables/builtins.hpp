#pragma once

#include "actors/runnable_registry.hpp"
#include "runnables/tool_runner.hpp"

#include <memory>

namespace runcast::runnables {

/// The runnables runcast ships, by the name a component's `runnable` gives: `echo`, and
/// `openai` (any OpenAI-compatible chat-completions endpoint), whose tool calls run through
/// `tools` — null: an unavailable_tool_runner, which fails every tool call.
actors::runnable_registry builtins(std::shared_ptr<tool_runner> tools = nullptr);

} // namespace runcast::runnables
