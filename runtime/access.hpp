#pragma once

#include "core/run_record.hpp"

#include <optional>
#include <string>

namespace runcast::runtime {

/// Who asks for a run: the session (and user) a request names.
struct access {
  std::optional<std::string> session_id; ///< required to see any run
  std::optional<std::string> user_id;    ///< when given, must be the run's
};

/// The one access rule (DESIGN guarantee 7), used by poll, list, resume, stream and cancel:
/// a run is visible only to a request that names its session, and its user when the request
/// names one. A missing session is refused like a wrong one; callers answer a refusal
/// exactly as they answer an unknown run, so nothing reveals that the run exists.
bool authorize(const run_record& run, const access& who);

} // namespace runcast::runtime
