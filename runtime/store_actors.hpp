#pragma once

#include "actors/store_actor.hpp"
#include "core/node_metrics.hpp"
#include "persistence/store.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <utility>

namespace runcast::runtime {

/// The store's two actors, each detached on a thread of its own and named for what it does
/// (docs/operations.md, "Threads"): the writer (`first`, rc-store-write), which group-commits
/// runs, events and statuses and counts its commits in `metrics`, and the reader (`second`,
/// rc-store-read), which serves the event logs' loads — a resume's read never waits behind
/// the logs' batch writes (a SQLite store reads on its own connections too).
std::pair<actors::store_actor, actors::store_actor>
spawn_store_actors(caf::actor_system& sys, std::shared_ptr<persistence::store> db,
                   std::shared_ptr<node_metrics> metrics);

} // namespace runcast::runtime
