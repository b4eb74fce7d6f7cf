#include "cluster/locator.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::cluster {

using namespace runcast::actors;

locator_actor::behavior_type locator(locator_actor::pointer self, run_manager_actor run_manager,
                                     membership_actor membership, std::string node_id,
                                     limits lim) {
  auto here = [node_id, membership](const std::string& owner) {
    return owner.empty() || owner == node_id || !membership;
  };
  return {
    [=](subscribe_atom, const std::string& run_id, const std::string& owner, int64_t from,
        bool meta, subscriber_actor& who)
      -> caf::result<event_log_actor, wire_credit_actor, std::string> {
      auto rp = self->make_response_promise<event_log_actor, wire_credit_actor, std::string>();
      if (here(owner)) {
        self->request(run_manager, lim.store_timeout, lookup_atom::value, run_id)
          .then([rp](event_log_actor& log) mutable { rp.deliver(log, wire_credit_actor{},
                                                                std::string{}); },
                [rp](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      }
      // Whatever goes wrong with the owner, the answer is "lost": the client then gets what
      // the shared store holds and a frame naming the owner.
      auto lost = [rp, owner]() mutable {
        rp.deliver(event_log_actor{}, wire_credit_actor{}, owner);
      };
      self->request(membership, lim.store_timeout, lookup_atom::value, owner)
        .then(
          [=](gateway_actor& gateway) mutable {
            if (!gateway)
              return lost();
            // Every remote request has a timeout: a peer that hangs must not hang us.
            self
              ->request(gateway, lim.store_timeout, subscribe_atom::value, run_id, from, meta,
                        caf::actor_cast<caf::actor>(who))
              .then(
                [rp](caf::actor& far) mutable {
                  rp.deliver(event_log_actor{}, caf::actor_cast<wire_credit_actor>(far),
                             std::string{});
                },
                [=](caf::error& err) mutable {
                  spdlog::warn("locator: owner {} refused or did not answer: {}", owner,
                               self->system().render(err));
                  lost();
                });
          },
          [=](caf::error&) mutable { lost(); });
      return rp;
    },
    [=](cancel_atom, const std::string& run_id, const std::string& owner) -> caf::result<int32_t> {
      auto rp = self->make_response_promise<int32_t>();
      if (here(owner)) {
        self->request(run_manager, lim.store_timeout, cancel_atom::value, run_id)
          .then([rp](cancel_result r) mutable { rp.deliver(static_cast<int32_t>(r)); },
                [rp](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      }
      self->request(membership, lim.store_timeout, lookup_atom::value, owner)
        .then(
          [=](gateway_actor& gateway) mutable {
            if (!gateway) {
              rp.deliver(static_cast<int32_t>(cancel_result::not_found));
              return;
            }
            self->request(gateway, lim.store_timeout, cancel_atom::value, run_id)
              .then([rp](int32_t r) mutable { rp.deliver(r); },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
  };
}

} // namespace runcast::cluster
