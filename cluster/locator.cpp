#include "cluster/locator.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

#include <caf/all.hpp>

namespace runcast::cluster {

using namespace runcast::actors;

caf::behavior locator(caf::event_based_actor* self, caf::actor run_manager,
                      caf::actor membership, std::string node_id, limits lim) {
  auto here = [node_id, membership](const std::string& owner) {
    return owner.empty() || owner == node_id || !membership;
  };
  using located = caf::result<caf::actor, bool, std::string>;
  return {
    [=](lookup_atom, const std::string& run_id, const std::string& owner) -> located {
      auto rp = self->make_response_promise<caf::actor, bool, std::string>();
      if (here(owner)) {
        self->request(run_manager, lim.store_timeout, lookup_atom::value, run_id)
          .then([rp](caf::actor& log) mutable { rp.deliver(log, false, std::string{}); },
                [rp](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      }
      self->request(membership, lim.store_timeout, lookup_atom::value, owner)
        .then(
          [rp, owner](caf::actor& gateway) mutable {
            // No live member: the owner is lost, the shared store has what it persisted.
            rp.deliver(gateway, true, gateway ? std::string{} : owner);
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
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
          [self, rp, run_id, lim](caf::actor& gateway) mutable {
            if (!gateway) {
              rp.deliver(static_cast<int32_t>(cancel_result::not_found));
              return;
            }
            // Every remote request has a timeout: a peer that hangs must not hang us.
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
