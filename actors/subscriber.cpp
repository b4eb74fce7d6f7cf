#include "actors/subscriber.hpp"

#include "actors/type_ids.hpp"
#include "core/meta_frames.hpp"
#include "core/tsan_handoff.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::actors {

namespace {

/// Takes `upstream` as where credits go (the first one known wins).
void adopt(subscriber_pointer self, const wire_credit_actor& upstream) {
  auto& st = self->state;
  if (st.upstream || !upstream)
    return;
  st.upstream = upstream;
  self->monitor(st.upstream);
  if (st.early_credits > 0)
    self->send(st.upstream, credit_atom::value, st.early_credits);
  st.early_credits = 0;
}

/// No event log holds the run (here or on `lost_owner`'s node): the store has it.
void not_found(subscriber_pointer self, const std::string& lost_owner) {
  auto& st = self->state;
  if (st.got_frames) {
    // The owner streamed before its answer went missing: a store replay from the
    // original index would repeat what the client has. It resumes from its cursor.
    st.sink->on_end(make_frame(error_frame(st.run_id, "The run's owner node did not answer; "
                                                      "resume to continue.")),
                    false);
  } else {
    st.sink->on_not_found(lost_owner);
  }
  self->quit();
}

void on_down(subscriber_pointer self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (st.watched && dm.source == st.watched) {
    self->quit(); // the client this subscription served (on another node) is gone
    return;
  }
  if (st.remote_owner.empty() && !st.log_answered && !st.got_frames) {
    // The log quit between lookup and subscribe (its retention ended or it was evicted):
    // the run is all in the store. Down messages overtake the subscribe's error reply.
    not_found(self, {});
    return;
  }
  auto text = st.remote_owner.empty()
                ? std::string{"The run's event log stopped; resume to continue."}
                : "The run's owner node " + st.remote_owner
                    + " was lost; resume to replay what it persisted.";
  // Not an abort: the client has everything that reached this node, then this frame.
  st.sink->on_end(make_frame(error_frame(st.run_id, text)), false);
  self->quit();
}

} // namespace

subscriber_actor::behavior_type subscriber(subscriber_pointer self,
                                           std::shared_ptr<frame_sink> sink,
                                           locator_actor locator, subscription_spec spec,
                                           limits lim) {
  auto& st = self->state;
  st.sink = std::move(sink);
  st.run_id = std::move(spec.run_id);
  if (spec.watched) {
    st.watched = spec.watched.address();
    self->monitor(spec.watched);
  }
  self->set_down_handler([self](caf::down_msg& dm) { on_down(self, dm); });

  auto timeout = lim.store_timeout;
  self->request(locator, timeout, subscribe_atom::value, st.run_id, spec.owner, spec.from,
                spec.meta, caf::actor_cast<subscriber_actor>(self))
    .then(
      [self, timeout, owner = std::move(spec.owner), from = spec.from, meta = spec.meta](
        event_log_actor& log, wire_credit_actor& far, std::string& lost_owner) {
        if (far) {
          self->state.remote_owner = owner; // named in the error frame if that node is lost
          return adopt(self, far);          // the owner node streams to us already
        }
        if (!log)
          return not_found(self, lost_owner);
        adopt(self, log);
        self->request(log, timeout, subscribe_atom::value, from, meta)
          .then([self](subscription_info&) { self->state.log_answered = true; },
                // The log quit between lookup and subscribe: its run is in the store.
                [self](caf::error&) { not_found(self, {}); });
      },
      [self](caf::error& err) {
        auto& st = self->state;
        spdlog::warn("subscriber {}: the run could not be located: {}", st.run_id,
                     self->system().render(err));
        st.sink->on_end(
          make_frame(error_frame(st.run_id, "The run could not be looked up; retry.")), false);
        self->quit();
      });
  return {
    // From a local event log: shared frames, no copy.
    [self](frames_atom, frame_batch& batch) {
      for (const auto& f : batch.frames)
        tsan_acquire(f.get()); // made by the event log on another thread
      self->state.got_frames = true;
      self->state.sink->on_frames(std::move(batch.frames));
    },
    [self](end_atom, frame_ptr& last, bool abort) {
      self->state.sink->on_end(std::move(last), abort);
      self->quit();
    },
    // From the owner node: plain strings over the wire.
    [self](frames_atom, std::vector<std::string>& wire) {
      self->state.got_frames = true;
      std::vector<frame_ptr> frames;
      frames.reserve(wire.size());
      for (auto& f : wire)
        frames.push_back(make_frame(std::move(f)));
      self->state.sink->on_frames(std::move(frames));
    },
    [self](end_atom, std::string& last, bool abort) {
      self->state.sink->on_end(last.empty() ? nullptr : make_frame(std::move(last)), abort);
      self->quit();
    },
    // The owner is alive but holds no log: the shared store has it all.
    [self](missing_atom) { not_found(self, {}); },
    [self](credit_atom, uint64_t n) {
      auto& st = self->state;
      if (st.upstream)
        self->send(st.upstream, credit_atom::value, n);
      else
        st.early_credits += n;
    },
    [self](close_atom) { self->quit(); },
  };
}

} // namespace runcast::actors
