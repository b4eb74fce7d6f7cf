#pragma once

#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/event_based_actor.hpp>

#include <memory>

namespace runcast::actors {

/// The store's actor face. Spawn it `caf::detached`: every handler blocks on the database,
/// so it gets a thread of its own and never stalls a CAF worker.
///
/// Protocol (replies in brackets):
/// - `(create_atom, run_record)` → `[bool]`: inserts a run (and its session).
/// - `(append_atom, event_batch)` → `[int64_t]`: persists events in one transaction
///   (idempotent), answers how many it was given.
/// - `(status_atom, std::string run_id, run_outcome)` → `[bool]`: run exists.
/// - `(load_atom, std::string run_id, int64_t from, uint64_t limit)` → `[event_batch]`.
/// A database failure answers `caf::sec::runtime_error` with the store's message.
caf::behavior store_actor(caf::event_based_actor* self, std::shared_ptr<persistence::store> db);

} // namespace runcast::actors
