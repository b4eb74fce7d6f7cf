#pragma once

#include "actors/protocol.hpp"
#include "runnables/openai_config.hpp"
#include "runnables/tool_call.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace runcast::runnables {

/// The conversation sent to a chat-completions endpoint and the request bodies built from
/// it; pure (no I/O), so every body is unit-tested. The messages grow by one tool round at a
/// time: the assistant's tool calls, then one `tool` message per call.
class openai_request {
public:
  /// Keys `extra_body` cannot override: the ones the runnable's streaming depends on.
  static constexpr const char* reserved_keys[] = {"model", "messages", "stream",
                                                  "stream_options", "tools"};

  /// The first round: `system` (if configured), the last `history_runs` of `history` (oldest
  /// first) as user/assistant pairs, then `message` from the user.
  openai_request(const openai_config& cfg, const std::vector<actors::past_run>& history,
                 const std::string& message);

  /// The body of the next request: model, messages, stream with usage, the configured
  /// sampling fields, tools if any, and `extra_body`'s other keys.
  nlohmann::json body() const;

  /// Appends a finished tool round: the assistant message with `content` (null if empty) and
  /// its `calls`, then `results[i]` as the tool message answering `calls[i]`.
  void add_tool_round(const std::string& content, const std::vector<tool_call>& calls,
                      const std::vector<std::string>& results);

  /// The messages so far.
  const nlohmann::json& messages() const { return messages_; }

private:
  const openai_config& cfg_; ///< outlives this: both belong to one run
  nlohmann::json messages_ = nlohmann::json::array();
};

} // namespace runcast::runnables
