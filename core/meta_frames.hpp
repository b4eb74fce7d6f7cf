#pragma once

#include "core/run_status.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace runcast {

/// A range of event indices that cannot be served (retention expired, store lost them).
struct index_gap {
  int64_t from = 0; ///< first missing index
  int64_t to = 0;   ///< last missing index
};

// The meta frames of `/resume` and `/stream`, encoded as complete SSE frames. Their JSON
// follows the reference server (including its lower-case "running" in catch_up and
// subscribed) plus runcast's additions (counts, gap). They carry no `id:`.

/// Run active: `missed` events follow, then the live ones.
std::string catch_up_frame(const std::string& run_id, int64_t missed, int64_t total,
                           const std::optional<index_gap>& gap = std::nullopt);

/// Catch-up done: live events follow.
std::string subscribed_frame(const std::string& run_id, int64_t total);

/// Run finished: `missed` events follow, then the stream ends.
std::string replay_frame(const std::string& run_id, run_status status, int64_t missed,
                         int64_t total, const std::optional<index_gap>& gap = std::nullopt);

/// The run cannot be served; `message` says why. Sent with HTTP 200 so EventSource and
/// streaming clients see it.
std::string error_frame(const std::string& run_id, const std::string& message);

} // namespace runcast
