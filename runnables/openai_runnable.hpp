#pragma once

#include "actors/runnable.hpp"
#include "actors/runnable_registry.hpp"
#include "runnables/beast.hpp"
#include "runnables/openai_config.hpp"
#include "runnables/tool_runner.hpp"

#include <memory>

namespace runcast::runnables {

/// An agent backed by any OpenAI-compatible chat-completions endpoint, streamed: each
/// content delta becomes a content event as it arrives, tool calls the model asks for run
/// through the injected tool_runner, and the run completes with the whole content, the
/// finish reason and the token usage. Configured by `component.spec` (openai_config).
class openai_runnable : public actors::async_runnable {
public:
  /// A runnable for one run; `tls` is the client context for an https endpoint (null: built
  /// from `cfg.ca_file` at start), `tools` executes tool calls.
  openai_runnable(openai_config cfg, std::shared_ptr<tool_runner> tools,
                  std::shared_ptr<ssl::context> tls = nullptr);

  /// Reads the API key from the environment and starts the conversation; returns at once.
  /// A missing key fails the run, naming the variable (never a key).
  void start(std::shared_ptr<actors::run_context> ctx) override;

  /// The factory the registry keeps under "openai": checks the component's spec for each
  /// run, shares TLS contexts between runs, executes tools with `tools`.
  static actors::runnable_factory factory(std::shared_ptr<tool_runner> tools);

private:
  openai_config cfg_;
  std::shared_ptr<tool_runner> tools_;
  std::shared_ptr<ssl::context> tls_;
};

} // namespace runcast::runnables
