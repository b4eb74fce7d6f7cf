#include "actors/subscriber.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"
#include "core/meta_frames.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::actors {

caf::behavior subscriber(caf::event_based_actor* self, std::shared_ptr<frame_sink> sink,
                         caf::actor run_manager, std::string run_id, int64_t from, bool meta,
                         limits lim) {
  // The log handle, once known; shared by the handlers below.
  auto log = std::make_shared<caf::actor>();
  self->set_down_handler([self, sink, run_id](caf::down_msg&) {
    sink->on_end(std::make_shared<const std::string>(
                   error_frame(run_id, "The run's event log stopped; resume to continue.")),
                 true);
    self->quit();
  });
  self->request(run_manager, lim.store_timeout, lookup_atom::value, run_id)
    .then(
      [self, sink, log, from, meta, lim](caf::actor& found) {
        if (!found) {
          sink->on_not_found();
          self->quit();
          return;
        }
        *log = found;
        self->monitor(found);
        self->request(found, lim.store_timeout, subscribe_atom::value, from, meta)
          .then([](subscription_info&) {},
                [self, sink](caf::error&) {
                  // The log quit between lookup and subscribe: its run is in the store.
                  sink->on_not_found();
                  self->quit();
                });
      },
      [self, sink, run_id](caf::error& err) {
        spdlog::error("subscriber {}: run lookup failed: {}", run_id, self->system().render(err));
        sink->on_end(std::make_shared<const std::string>(
                       error_frame(run_id, "The run could not be looked up; try again.")),
                     false);
        self->quit();
      });
  return {
    [sink](frames_atom, frame_batch& batch) { sink->on_frames(std::move(batch.frames)); },
    [self, sink, log](end_atom, frame_ptr& last, bool abort) {
      self->demonitor(*log);
      sink->on_end(std::move(last), abort);
      self->quit();
    },
    [self, log](credit_atom, uint64_t n) {
      if (*log)
        self->send(*log, credit_atom::value, n);
    },
    [self](close_atom) { self->quit(); },
  };
}

} // namespace runcast::actors
