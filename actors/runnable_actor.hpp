#pragma once

#include "actors/type_ids.hpp"
#include "actors/runnable.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>


// The third shape of a runnable: a CAF actor. It gets `(start_atom, run_info, run_sink)`,
// sends its events to the sink as `(publish_atom, draft_batch)` and ends the run with
// `(done_atom, run_outcome)` — `completed` with the output as `content`, or `error` with
// the message as `error`. `(cancel_atom)` tells it the run was cancelled (or the node is
// stopping): stop, nothing more is accepted. If it dies before `done`, the run ends ERROR.
namespace runcast::actors {

/// What a run offers its runnable actor.
using run_sink_actor = caf::typed_actor<caf::reacts_to<publish_atom, draft_batch>,
                                        caf::reacts_to<done_atom, run_outcome>>;

/// What a runnable actor implements.
using runnable_actor = caf::typed_actor<caf::reacts_to<start_atom, run_info, run_sink_actor>,
                                        caf::reacts_to<cancel_atom>>;

/// A runnable written as a CAF actor: spawns one actor per run.
class actor_runnable : public runnable {
public:
  /// Spawns the actor for one run in the runtime's actor system.
  virtual runnable_actor spawn(caf::actor_system& sys) = 0;
};

} // namespace runcast::actors
