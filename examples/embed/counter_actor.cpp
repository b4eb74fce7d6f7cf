#include "counter_actor.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <string>

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;

/// The runnable interface runcast drives, plus the counter's own timer.
using counter_actor = runcast::runnable_actor::extend<caf::reacts_to<tick_atom>>;

struct counter_state {
  runcast::run_sink_actor sink;
  std::string content_event; // "RunContent" for an agent
  long count = 10;
  std::chrono::milliseconds delay{100};
  long next = 0;
  static inline const char* name = "embed.counter";
};

long number(const nlohmann::json& params, const char* key, long fallback) {
  if (!params.contains(key))
    return fallback;
  const auto& v = params[key];
  return v.is_number_integer() ? v.get<long>() : std::stol(v.get<std::string>());
}

counter_actor::behavior_type counter(counter_actor::stateful_pointer<counter_state> self) {
  return {
    [=](runcast::start_atom, const runcast::run_info& info, runcast::run_sink_actor sink) {
      auto& st = self->state;
      st.sink = std::move(sink);
      st.content_event = info.names.content;
      st.count = number(info.params, "count", 10);
      st.delay = std::chrono::milliseconds{number(info.params, "delay_ms", 100)};
      self->send(self, tick_atom::value);
    },
    [=](tick_atom) {
      auto& st = self->state;
      if (st.next == st.count) {
        self->send(st.sink, runcast::done_atom::value,
                   runcast::run_outcome{runcast::run_status::completed,
                                        "counted to " + std::to_string(st.count)});
        self->quit();
        return;
      }
      self->send(st.sink, runcast::publish_atom::value,
                 runcast::draft_batch{{{st.content_event, std::to_string(st.next++)}}});
      self->delayed_send(self, st.delay, tick_atom::value);
    },
    [=](runcast::cancel_atom) { self->quit(); },
  };
}

} // namespace

runcast::runnable_actor spawn_counter(caf::actor_system& sys) {
  return sys.spawn(counter);
}
