#pragma once

#include "core/event_json.hpp"

#include <spdlog/spdlog.h>

#include <cstddef>
#include <string>
#include <string_view>

/// Structured logs. Lines about a run carry its `run_id`, `session_id` and `component`
/// (`agents/echo`); each HTTP request gets one line (method, path, status, duration, bytes).
/// In text mode those fields follow the message as `key=value`; in JSON mode every line is
/// one JSON object (`time`, `level`, `node`, `msg` and the fields), which log tools index.
namespace runcast::logs {

enum class format { text, json };

/// Installs the line format on spdlog's default logger; `node` is named on every JSON line.
void set_format(format f, const std::string& node);

/// Logs `message` at `level` with a run's identifying fields.
void run(spdlog::level::level_enum level, const event_context& ctx, std::string message);

/// The same, for code that holds the ids rather than an event_context.
void run(spdlog::level::level_enum level, std::string_view run_id, std::string_view session_id,
         std::string_view component, std::string message);

/// One line per HTTP request, at info: `request method=GET path=/agents status=200
/// duration_ms=0.4 bytes=512` (the path without its query string).
void request(std::string_view method, std::string_view path, unsigned status,
             double duration_ms, size_t bytes);

} // namespace runcast::logs
