#pragma once

#include "actors/locator_actor.hpp"
#include "actors/run_manager_actor.hpp"
#include "cluster/membership_actor.hpp"
#include "core/limits.hpp"

#include <string>

namespace runcast::cluster {

/// The one place that decides where a run lives (protocol: actors/locator_actor.hpp): this
/// node's event log, from the run manager; or, for another node's run, a subscription the
/// owner's gateway sets up — an owner that is not a live member, refuses or does not answer
/// is reported as lost (the shared store has what it persisted). `membership` may be
/// invalid (no cluster): every run is then local.
actors::locator_actor::behavior_type locator(actors::locator_actor::pointer self,
                                             actors::run_manager_actor run_manager,
                                             membership_actor membership, std::string node_id,
                                             limits lim);

} // namespace runcast::cluster
