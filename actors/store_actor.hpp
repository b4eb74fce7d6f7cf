#pragma once

#include "actors/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace runcast::actors {

/// The store's actor face (implemented by store_worker). Every reply is sent once the
/// database has answered; a database failure answers `errc::unavailable` with the store's
/// message (logged once, by the worker).
/// - `create`: inserts a run (and its session);
/// - `append`: persists events in one transaction (idempotent), answers how many;
/// - `status`: moves a run to a status with its output or error; false if no such run;
/// - `load`: events of a run from an index, at most `limit`.
using store_actor = caf::typed_actor<
  caf::replies_to<create_atom, persistence::run_record>::with<bool>,
  caf::replies_to<append_atom, pending_batch>::with<int64_t>,
  caf::replies_to<status_atom, std::string, run_outcome>::with<bool>,
  caf::replies_to<load_atom, std::string, int64_t, uint64_t>::with<event_batch>>;

} // namespace runcast::actors
