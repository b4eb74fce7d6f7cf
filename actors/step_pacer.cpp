#include "actors/step_pacer.hpp"

#include <caf/all.hpp>

namespace runcast::actors {

namespace {

using self_ptr = step_pacer_actor::stateful_pointer<step_pacer_state>;

/// Sets the CAF timer for the earliest due time, unless one is set for it or before it.
/// A timer set for a later time stays set and finds nothing due when it fires.
void arm(self_ptr self) {
  auto& st = self->state;
  if (st.due.empty())
    return;
  auto earliest = st.due.begin()->first;
  if (earliest >= st.armed)
    return;
  st.armed = earliest;
  auto now = self->clock().now();
  self->delayed_send(self, earliest > now ? earliest - now : caf::timespan{0}, tick_atom::value);
}

/// Steps every run that is due and still there, then sets the timer for the next.
void fire(self_ptr self) {
  auto& st = self->state;
  auto now = self->clock().now();
  if (st.armed <= now)
    st.armed = caf::actor_clock::time_point::max(); // this was the timer that was set
  auto end = st.due.upper_bound(now);
  for (auto i = st.due.begin(); i != end; ++i)
    if (auto who = caf::actor_cast<steppable_actor>(i->second))
      self->send(who, step_atom::value);
  st.due.erase(st.due.begin(), end);
  arm(self);
}

} // namespace

caf::actor_clock::time_point pacer_due(caf::actor_clock::time_point now, caf::timespan wait) {
  using std::chrono::milliseconds;
  auto at = (now + wait).time_since_epoch();
  caf::timespan grid = wait >= coarse_from ? caf::timespan{milliseconds{1}}
                       : wait >= milliseconds{1} ? caf::timespan{fine_grid}
                                                 : caf::timespan{0};
  if (grid.count() == 0)
    return now + wait;
  auto ticks = (at.count() + grid.count() - 1) / grid.count(); // up to the next tick
  return caf::actor_clock::time_point{
    std::chrono::duration_cast<caf::actor_clock::duration_type>(grid * ticks)};
}

step_pacer_actor::behavior_type step_pacer(self_ptr self) {
  return {
    [self](step_atom, caf::actor_addr& who, caf::timespan asked_at, caf::timespan wait) {
      auto& st = self->state;
      auto asked = caf::actor_clock::time_point{
        std::chrono::duration_cast<caf::actor_clock::duration_type>(asked_at)};
      st.due.emplace(pacer_due(asked, wait), std::move(who));
      arm(self);
    },
    [self](tick_atom) { fire(self); },
  };
}

} // namespace runcast::actors
