#pragma once

#include "core/errc.hpp"

#include <caf/error.hpp>

#include <string>

namespace runcast::actors {

/// A runcast error as it crosses actor boundaries: `code` with `detail` (meant for the
/// client) as its context.
caf::error make_failure(errc code, std::string detail);

/// Turns any caf::error into a client-facing failure. A runcast error keeps its code and
/// detail; anything else (a timeout, a dead actor, a lost peer) becomes `unavailable` with
/// `fallback` as its detail — CAF's own rendering never reaches a client.
failure to_failure(const caf::error& err, const std::string& fallback);

} // namespace runcast::actors
