#pragma once

#include "actors/type_ids.hpp"

#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <map>

namespace runcast::actors {

/// One timer for the waits of every step runnable of a node (`step::delay`).
///
/// A wait was a `delayed_send` of its own: CAF 0.17's clock thread is woken when it is
/// given a timer and again when the timer fires, so 2,000 runs pacing 50 steps a second
/// were 200,000 wake-ups of that thread a second — a tenth of the server's CPU in the
/// LLM-shaped benchmark (bench/RESULTS.md). The pacer keeps the due times itself and has at
/// most one CAF timer, for the earliest: when it fires, every run then due gets its step
/// from this actor's worker thread (`send`, not the clock thread's `enqueue` from outside
/// the scheduler). A wait ends on the next tick of a grid — whole milliseconds for a wait of
/// `coarse_from` or longer, `fine_grid` for one of a millisecond or longer, none below —
/// at most an eighth later than asked, so that the runs due within one tick share one
/// wake-up and a new wait seldom needs an earlier timer.
///
/// `(step_atom, who, asked_at, wait)`: sends `(step_atom)` to `who` (a `steppable_actor`: a
/// run actor) `wait` after `asked_at` (the actor clock's time when it asked, as a duration
/// since the clock's epoch: a backlog in the pacer's mailbox does not lengthen the wait),
/// unless `who` is gone by then. `(tick_atom)` is the pacer's own timer.
using step_pacer_actor =
  caf::typed_actor<caf::reacts_to<step_atom, caf::actor_addr, caf::timespan, caf::timespan>,
                   caf::reacts_to<tick_atom>>;

/// What the pacer wakes: an actor taking `(step_atom)`.
using steppable_actor = caf::typed_actor<caf::reacts_to<step_atom>>;

/// Waits at least this long end on a whole millisecond.
constexpr std::chrono::milliseconds coarse_from{8};

/// The grid of waits from 1 ms up to `coarse_from`.
constexpr std::chrono::microseconds fine_grid{125};

/// When a wait of `wait` that starts at `now` ends (see step_pacer_actor).
caf::actor_clock::time_point pacer_due(caf::actor_clock::time_point now, caf::timespan wait);

/// State of a step pacer.
struct step_pacer_state {
  std::multimap<caf::actor_clock::time_point, caf::actor_addr> due; ///< who is woken when
  /// The CAF timer that is set, if any: the earliest due time when it was set.
  caf::actor_clock::time_point armed = caf::actor_clock::time_point::max();
  static inline const char* name = "runcast.step_pacer";
};

step_pacer_actor::behavior_type
step_pacer(step_pacer_actor::stateful_pointer<step_pacer_state> self);

} // namespace runcast::actors
