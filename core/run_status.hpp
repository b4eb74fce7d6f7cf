#pragma once

#include <optional>
#include <string_view>

namespace runcast {

/// Lifecycle of a run: PENDING → RUNNING → COMPLETED | ERROR | CANCELLED (PAUSED is reserved
/// for compatibility with the reference server and is never entered today).
enum class run_status { pending, running, completed, paused, cancelled, error };

/// Upper-case wire name, as the reference server spells it ("RUNNING").
std::string_view to_string(run_status s);

/// Parses a wire name, case-insensitively; nullopt for anything else.
std::optional<run_status> parse_run_status(std::string_view s);

/// True once a run can no longer produce events.
bool is_terminal(run_status s);

} // namespace runcast
