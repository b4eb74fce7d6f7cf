#include "actors/subscriber.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"
#include "core/meta_frames.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::actors {

namespace {

/// What the handlers share.
struct upstream_state {
  caf::actor handle;         ///< the event log (local) or the relay (remote), once known
  uint64_t early_credits = 0; ///< credits that arrived before the handle was known
  std::string remote_owner;  ///< set when upstream is another node's relay
};

} // namespace

caf::behavior subscriber(caf::event_based_actor* self, std::shared_ptr<frame_sink> sink,
                         subscriber_route route, std::string run_id, std::string owner,
                         int64_t from, bool meta, limits lim) {
  auto up = std::make_shared<upstream_state>();
  // Frames from a relay may overtake the gateway's reply that names it: whoever sends us
  // frames first is upstream.
  auto adopt = [self, up](const caf::strong_actor_ptr& sender) {
    if (up->handle || !sender)
      return;
    up->handle = caf::actor_cast<caf::actor>(sender);
    self->monitor(up->handle);
    if (up->early_credits > 0)
      self->send(up->handle, credit_atom::value, up->early_credits);
    up->early_credits = 0;
  };
  self->set_down_handler([self, sink, run_id, up](caf::down_msg&) {
    auto text = up->remote_owner.empty()
                  ? std::string{"The run's event log stopped; resume to continue."}
                  : "The run's owner node " + up->remote_owner
                      + " was lost; resume to replay what it persisted.";
    // Not an abort: the client has everything that reached this node, then this frame.
    sink->on_end(make_frame(error_frame(run_id, text)), false);
    self->quit();
  });

  bool remote = !owner.empty() && owner != route.local_node && route.membership;
  if (!remote) {
    self->request(route.run_manager, lim.store_timeout, lookup_atom::value, run_id)
      .then(
        [self, sink, up, from, meta, lim](caf::actor& found) {
          if (!found) {
            sink->on_not_found({});
            self->quit();
            return;
          }
          self->request(found, lim.store_timeout, subscribe_atom::value, from, meta)
            .then([](subscription_info&) {},
                  [self, sink](caf::error&) {
                    // The log quit between lookup and subscribe: its run is in the store.
                    sink->on_not_found({});
                    self->quit();
                  });
          up->handle = found;
          self->monitor(found);
        },
        [self, sink, run_id](caf::error& err) {
          spdlog::error("subscriber {}: run lookup failed: {}", run_id,
                        self->system().render(err));
          sink->on_end(make_frame(error_frame(run_id, "The run could not be looked up; retry.")),
                       false);
          self->quit();
        });
  } else {
    up->remote_owner = owner;
    self->request(route.membership, lim.store_timeout, lookup_atom::value, owner)
      .then(
        [self, sink, up, run_id, owner, from, meta, lim](caf::actor& gateway) {
          if (!gateway) {
            sink->on_not_found(owner); // owner unreachable: the shared store has the rest
            self->quit();
            return;
          }
          // Every remote request has a timeout: a peer that hangs must not hang us.
          self->request(gateway, lim.store_timeout, subscribe_atom::value, run_id, from, meta)
            .then([](caf::actor&) {},
                  [self, sink, owner](caf::error& err) {
                    spdlog::warn("subscriber: owner {} refused or did not answer: {}", owner,
                                 self->system().render(err));
                    sink->on_not_found(owner);
                    self->quit();
                  });
        },
        [self, sink, owner](caf::error&) {
          sink->on_not_found(owner);
          self->quit();
        });
  }
  return {
    // From a local event log: shared frames, no copy.
    [self, sink, adopt](frames_atom, frame_batch& batch) {
      adopt(self->current_sender());
      sink->on_frames(std::move(batch.frames));
    },
    [self, sink](end_atom, frame_ptr& last, bool abort) {
      sink->on_end(std::move(last), abort);
      self->quit();
    },
    // From a relay on the owner node: plain strings over the wire.
    [self, sink, adopt](frames_atom, std::vector<std::string>& wire) {
      adopt(self->current_sender());
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
    [self, sink](missing_atom) {
      sink->on_not_found({}); // the owner is alive but holds no log: the store has it all
      self->quit();
    },
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
