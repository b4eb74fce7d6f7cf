#pragma once

#include "actors/store_actor.hpp"
#include "persistence/store.hpp"

#include <memory>

namespace runcast::actors {

/// Implements store_actor on a `persistence::store`. Spawn it `caf::detached`: every handler
/// blocks on the database, so it gets a thread of its own and never stalls a CAF worker.
store_actor::behavior_type store_worker(store_actor::pointer self,
                                        std::shared_ptr<persistence::store> db);

} // namespace runcast::actors
