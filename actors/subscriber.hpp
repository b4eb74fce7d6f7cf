#pragma once

#include "actors/frame_sink.hpp"
#include "core/limits.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include <memory>
#include <string>

namespace runcast::actors {

/// One per subscription: finds the run's event log through the run manager, subscribes
/// from `from`, and hands what the log sends to `sink`. Credits from the sink go back to the
/// log through it. It quits when the log ends the subscription, when the log dies (the sink
/// then gets an `error` frame), or on `close_atom` from the connection.
caf::behavior subscriber(caf::event_based_actor* self, std::shared_ptr<frame_sink> sink,
                         caf::actor run_manager, std::string run_id, int64_t from, bool meta,
                         limits lim);

} // namespace runcast::actors
