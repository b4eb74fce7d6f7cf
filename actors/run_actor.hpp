#pragma once

#include "actors/runnable.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include <memory>

namespace runcast::actors {

struct run_actor_state;

/// Drives one run: announces RUNNING and RunStarted, takes the runnable's steps on its timer
/// and publishes their events to the run's event log, then the final status. Steps without
/// a delay are coalesced into one batch (up to a bound) so fast runnables are not one
/// message per event.
///
/// Protocol: `(cancel_atom)` ends the run CANCELLED before its next step (cooperative);
/// `(shutdown_atom)` ends it ERROR ("interrupted: server shutting down").
caf::behavior run_actor(caf::stateful_actor<run_actor_state>* self, caf::actor log,
                        std::shared_ptr<runnable> body);

/// State of a run actor.
struct run_actor_state {
  caf::actor log;
  std::shared_ptr<runnable> body;
  static inline const char* name = "runcast.run";
};

} // namespace runcast::actors
