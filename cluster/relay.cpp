#include "cluster/relay.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"
#include "core/meta_frames.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::cluster {

using namespace runcast::actors;

caf::behavior relay(caf::event_based_actor* self, caf::actor run_manager, caf::actor subscriber,
                    std::string run_id, int64_t from, bool meta, limits lim) {
  auto log = std::make_shared<caf::actor>();
  self->monitor(subscriber);
  self->set_down_handler([self, subscriber, log, run_id](caf::down_msg& dm) {
    if (dm.source == subscriber.address()) {
      self->quit(); // the remote client left (or its node did)
      return;
    }
    self->send(subscriber, end_atom::value,
               error_frame(run_id, "The run's event log stopped; resume to continue."), true);
    self->quit();
  });
  self->request(run_manager, lim.store_timeout, lookup_atom::value, run_id)
    .then(
      [self, subscriber, log, from, meta, lim](caf::actor& found) {
        if (!found) {
          self->send(subscriber, missing_atom::value);
          self->quit();
          return;
        }
        *log = found;
        self->monitor(found);
        self->request(found, lim.store_timeout, subscribe_atom::value, from, meta)
          .then([](subscription_info&) {},
                [self, subscriber](caf::error&) {
                  self->send(subscriber, missing_atom::value);
                  self->quit();
                });
      },
      [self, subscriber](caf::error&) {
        self->send(subscriber, missing_atom::value);
        self->quit();
      });
  return {
    [self, subscriber](frames_atom, frame_batch& batch) {
      // The one copy a remote subscriber costs: shared frames become plain strings.
      std::vector<std::string> wire;
      wire.reserve(batch.frames.size());
      for (auto& f : batch.frames)
        wire.push_back(*f);
      self->send(subscriber, frames_atom::value, std::move(wire));
    },
    [self, subscriber](end_atom, frame_ptr& last, bool abort) {
      self->send(subscriber, end_atom::value, last ? *last : std::string{}, abort);
      self->quit();
    },
    [self, log](credit_atom, uint64_t n) {
      if (*log)
        self->send(*log, credit_atom::value, n);
    },
  };
}

} // namespace runcast::cluster
