#pragma once

#include "core/component_registry.hpp"
#include "persistence/store.hpp"

#include <cstddef>
#include <string>

namespace runcast::actors {

/// At startup, before serving: every run this node owns that the store still shows PENDING
/// or RUNNING was interrupted by a crash or kill. Each gets a final `RunError` event
/// ("interrupted") at the next free index and status ERROR, so nothing stays RUNNING forever
/// and a replay ends like any failed run. Returns how many runs were marked.
size_t recover_interrupted_runs(persistence::store& db, const std::string& node_id,
                                const component_registry& registry);

} // namespace runcast::actors
