#pragma once

#include "runnables/tool_call.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::runnables {

/// Understands the lines of one streamed chat-completions response (`data: {chunk}` …
/// `data: [DONE]`): hands out each content delta, assembles tool calls from their fragments
/// (by index), and remembers the finish reason and the usage. Pure; fed by sse_line_parser.
class chat_stream_parser {
public:
  /// Most tool calls one round may ask for, and most bytes of all their arguments.
  static constexpr size_t max_tool_calls = 64;
  static constexpr size_t max_arguments_bytes = 1 << 20; ///< (the second bound)

  /// What one line brought.
  struct delta {
    std::string content;            ///< new content text (maybe empty)
    bool tool_progress = false;     ///< a tool-call fragment arrived
    std::optional<std::string> error; ///< the stream is unusable: why
  };

  /// Takes one line (without its end of line). `data:` lines are collected and dispatched
  /// at the blank line that ends their event, as text/event-stream says; other fields and
  /// comments are ignored.
  delta on_line(std::string_view line);

  /// Dispatches an event whose blank line never came (the stream ended right after it).
  delta finish();

  /// True once `data: [DONE]` was seen.
  bool done() const { return done_; }

  /// The last non-null `finish_reason` (e.g. "stop", "length", "tool_calls"); empty if none.
  const std::string& finish_reason() const { return finish_reason_; }

  /// The last `usage` object seen (null if none).
  const nlohmann::json& usage() const { return usage_; }

  /// The tool calls assembled so far, in index order.
  const std::vector<tool_call>& tool_calls() const { return calls_; }

private:
  delta dispatch();
  delta on_chunk(const nlohmann::json& chunk);
  std::optional<std::string> on_tool_fragment(const nlohmann::json& fragment);

  std::string data_;       ///< the current event's data lines, joined by LF
  bool has_data_ = false;
  bool done_ = false;
  std::string finish_reason_;
  nlohmann::json usage_;
  std::vector<tool_call> calls_;
  size_t arguments_bytes_ = 0;
};

} // namespace runcast::runnables
