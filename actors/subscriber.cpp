#include "actors/subscriber.hpp"

#include "actors/type_ids.hpp"
#include "core/meta_frames.hpp"
#include "core/tsan_handoff.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::actors {

namespace {

/// What the handlers share.
struct upstream_state {
  wire_credit_actor handle;   ///< the event log (local) or the owner's subscriber (remote)
  uint64_t early_credits = 0; ///< credits that arrived before the handle was known
  std::string remote_owner;   ///< set when upstream is on another node
  bool got_frames = false;    ///< frames reached the sink (the client has a cursor now)
  bool log_answered = false;  ///< the local event log answered the subscription
};

} // namespace

subscriber_actor::behavior_type subscriber(subscriber_actor::pointer self,
                                           std::shared_ptr<frame_sink> sink,
                                           locator_actor locator, subscription_spec spec,
                                           limits lim) {
  auto up = std::make_shared<upstream_state>();
  auto adopt = [self, up](const wire_credit_actor& upstream) {
    if (up->handle || !upstream)
      return;
    up->handle = upstream;
    self->monitor(up->handle);
    if (up->early_credits > 0)
      self->send(up->handle, credit_atom::value, up->early_credits);
    up->early_credits = 0;
  };
  auto not_found = [self, sink, up, run_id = spec.run_id](const std::string& lost_owner) {
    if (up->got_frames) {
      // The owner streamed before its answer went missing: a store replay from the
      // original index would repeat what the client has. It resumes from its cursor.
      sink->on_end(make_frame(error_frame(run_id, "The run's owner node did not answer; "
                                                  "resume to continue.")),
                   false);
    } else {
      sink->on_not_found(lost_owner);
    }
    self->quit();
  };
  auto watched = spec.watched;
  if (watched)
    self->monitor(watched);
  self->set_down_handler([self, sink, up, watched, not_found,
                          run_id = spec.run_id](caf::down_msg& dm) {
    if (watched && dm.source == watched.address()) {
      self->quit(); // the client this subscription served (on another node) is gone
      return;
    }
    if (up->remote_owner.empty() && !up->log_answered && !up->got_frames) {
      // The log quit between lookup and subscribe (its retention ended or it was evicted):
      // the run is all in the store. Down messages overtake the subscribe's error reply.
      not_found({});
      return;
    }
    auto text = up->remote_owner.empty()
                  ? std::string{"The run's event log stopped; resume to continue."}
                  : "The run's owner node " + up->remote_owner
                      + " was lost; resume to replay what it persisted.";
    // Not an abort: the client has everything that reached this node, then this frame.
    sink->on_end(make_frame(error_frame(run_id, text)), false);
    self->quit();
  });

  self
    ->request(locator, lim.store_timeout, subscribe_atom::value, spec.run_id, spec.owner,
              spec.from, spec.meta, caf::actor_cast<subscriber_actor>(self))
    .then(
      [=](event_log_actor& log, wire_credit_actor& far, std::string& lost_owner) {
        if (far) {
          up->remote_owner = spec.owner; // named in the error frame if that node is lost
          return adopt(far);             // the owner node streams to us already
        }
        if (!log)
          return not_found(lost_owner);
        adopt(log);
        self->request(log, lim.store_timeout, subscribe_atom::value, spec.from, spec.meta)
          .then([up](subscription_info&) { up->log_answered = true; },
                // The log quit between lookup and subscribe: its run is in the store.
                [=](caf::error&) { not_found({}); });
      },
      [=](caf::error& err) {
        spdlog::warn("subscriber {}: the run could not be located: {}", spec.run_id,
                     self->system().render(err));
        sink->on_end(make_frame(error_frame(spec.run_id, "The run could not be looked up; retry.")),
                     false);
        self->quit();
      });
  return {
    // From a local event log: shared frames, no copy.
    [sink, up](frames_atom, frame_batch& batch) {
      for (const auto& f : batch.frames)
        tsan_acquire(f.get()); // made by the event log on another thread
      up->got_frames = true;
      sink->on_frames(std::move(batch.frames));
    },
    [self, sink](end_atom, frame_ptr& last, bool abort) {
      sink->on_end(std::move(last), abort);
      self->quit();
    },
    // From the owner node: plain strings over the wire.
    [sink, up](frames_atom, std::vector<std::string>& wire) {
      up->got_frames = true;
      std::vector<frame_ptr> frames;
      frames.reserve(wire.size());
      for (auto& f : wire)
        frames.push_back(make_frame(std::move(f)));
      sink->on_frames(std::move(frames));
    },
    [self, sink](end_atom, std::string& last, bool abort) {
      sink->on_end(last.empty() ? nullptr : make_frame(std::move(last)), abort);
      self->quit();
    },
    // The owner is alive but holds no log: the shared store has it all.
    [not_found](missing_atom) { not_found({}); },
    [self, up](credit_atom, uint64_t n) {
      if (up->handle)
        self->send(up->handle, credit_atom::value, n);
      else
        up->early_credits += n;
    },
    [self](close_atom) { self->quit(); },
  };
}

} // namespace runcast::actors
