#pragma once

#include "core/run_record.hpp"

#include <nlohmann/json.hpp>

namespace runcast::http {

/// A run as the API shows it (the polling endpoint, run lists, the blocking mode):
/// `run_id`, `session_id`, `<kind>_id`, `status`, `content`, … .
nlohmann::json run_json(const run_record& run);

} // namespace runcast::http
