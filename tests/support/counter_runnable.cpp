#include "tests/support/counter_runnable.hpp"

#include <caf/all.hpp>

namespace runcast::test {

using namespace runcast::actors;

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;

/// The counter's own interface: the runnable protocol plus its timer.
using counter_actor = runnable_actor::extend<caf::reacts_to<tick_atom>>;

struct counter_state {
  run_sink_actor sink;
  std::string content_event; ///< this kind's content event name
  int next = 0;
};

counter_actor::behavior_type counter(counter_actor::stateful_pointer<counter_state> self,
                                     int count, std::chrono::milliseconds delay,
                                     int fail_at) {
  return {
    [=](start_atom, const run_info& info, run_sink_actor sink) {
      self->state.sink = std::move(sink);
      self->state.content_event = info.names.content;
      self->send(self, tick_atom::value);
    },
    [=](tick_atom) {
      auto& st = self->state;
      if (st.next == fail_at) {
        self->quit(caf::exit_reason::user_shutdown); // dies before `done`
        return;
      }
      if (st.next == count) {
        self->send(st.sink, done_atom::value,
                   run_outcome{run_status::completed, "counted " + std::to_string(count), {}});
        self->quit();
        return;
      }
      self->send(st.sink, publish_atom::value,
                 draft_batch{{{st.content_event, "count " + std::to_string(st.next++)}}});
      self->delayed_send(self, delay, tick_atom::value);
    },
    [=](cancel_atom) { self->quit(); },
  };
}

} // namespace

counter_runnable::counter_runnable(int count, std::chrono::milliseconds delay, int fail_at)
  : count_(count), delay_(delay), fail_at_(fail_at) {
}

runnable_actor counter_runnable::spawn(caf::actor_system& sys) {
  return sys.spawn(counter, count_, delay_, fail_at_);
}

} // namespace runcast::test
