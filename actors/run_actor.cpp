#include "actors/run_actor.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::actors {

namespace {

using self_ptr = caf::stateful_actor<run_actor_state>*;

/// Most events one coalesced batch of zero-delay steps may hold.
constexpr size_t max_batch = 256;

void finish(self_ptr self, std::vector<event_draft> last_events, run_outcome outcome) {
  auto& st = self->state;
  if (!last_events.empty())
    self->send(st.log, publish_atom::value, draft_batch{std::move(last_events)});
  self->send(st.log, status_atom::value, std::move(outcome));
  self->quit();
}

void take_steps(self_ptr self) {
  auto& st = self->state;
  draft_batch batch;
  try {
    for (;;) {
      auto s = st.body->next();
      for (auto& ev : s.events)
        batch.events.push_back(std::move(ev));
      if (s.last) {
        finish(self, std::move(batch.events), {run_status::completed, s.output, std::nullopt});
        return;
      }
      if (s.delay.count() > 0 || batch.events.size() >= max_batch) {
        self->send(st.log, publish_atom::value, std::move(batch));
        // The wait between steps is a timer, not a blocked thread; a cancel lands here.
        self->delayed_send(self, s.delay, step_atom::value);
        return;
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("run failed: {}", e.what());
    batch.events.push_back({"RunError", std::string{e.what()}});
    finish(self, std::move(batch.events), {run_status::error, std::nullopt, std::string{e.what()}});
  }
}

} // namespace

caf::behavior run_actor(caf::stateful_actor<run_actor_state>* self, caf::actor log,
                        std::shared_ptr<runnable> body) {
  self->state.log = std::move(log);
  self->state.body = std::move(body);
  self->send(self->state.log, status_atom::value, run_outcome{run_status::running, {}, {}});
  self->send(self->state.log, publish_atom::value,
             draft_batch{{{"RunStarted", std::nullopt}}});
  self->send(self, step_atom::value);
  return {
    [self](step_atom) { take_steps(self); },
    [self](cancel_atom) {
      finish(self, {{"RunCancelled", std::string{"Run cancelled"}}},
             {run_status::cancelled, std::nullopt, std::nullopt});
    },
    [self](shutdown_atom) {
      std::string why = "interrupted: server shutting down";
      finish(self, {{"RunError", why}}, {run_status::error, std::nullopt, why});
    },
  };
}

} // namespace runcast::actors
