#pragma once

#include "core/run_record.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace runcast::http {

/// A run as the API shows it (the polling endpoint, run lists, the blocking mode):
/// `run_id`, `session_id`, `<kind>_id`, `status`, `content`, … .
nlohmann::json run_json(const run_record& run);

/// A list of runs as the API shows it (run lists of a component or of a session).
nlohmann::json runs_json(const std::vector<run_record>& runs);

} // namespace runcast::http
