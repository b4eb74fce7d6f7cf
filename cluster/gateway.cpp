#include "cluster/gateway.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"
#include "cluster/relay.hpp"

#include <caf/all.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

namespace runcast::cluster {

using namespace runcast::actors;

namespace {

using self_ptr = caf::stateful_actor<gateway_state>*;

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// True if the current message comes from a node that presented the secret.
bool trusted(self_ptr self) {
  auto sender = self->current_sender();
  return sender && self->state.authenticated.count(sender->node()) > 0;
}

caf::error refused() {
  return caf::make_error(caf::sec::runtime_error, "refused: present the cluster secret first");
}

} // namespace

caf::behavior gateway(caf::stateful_actor<gateway_state>* self, caf::actor run_manager,
                      std::string node_id, std::string secret, limits lim) {
  auto& st = self->state;
  st.run_manager = std::move(run_manager);
  st.node_id = std::move(node_id);
  st.secret = std::move(secret);
  st.lim = lim;
  return {
    [self](hello_atom, const std::string& peer, const std::string& secret)
      -> caf::result<hello_atom, std::string> {
      auto& st = self->state;
      auto sender = self->current_sender();
      if (!sender || !same_secret(secret, st.secret)) {
        spdlog::warn("cluster: refused peer '{}': wrong cluster secret", peer);
        return caf::make_error(caf::sec::runtime_error, "refused: wrong cluster secret");
      }
      if (st.authenticated.insert(sender->node()).second)
        spdlog::info("cluster: peer '{}' authenticated", peer);
      return {hello_atom::value, st.node_id};
    },
    [self](subscribe_atom, const std::string& run_id, int64_t from,
           bool meta) -> caf::result<caf::actor> {
      if (!trusted(self))
        return refused();
      auto& st = self->state;
      auto subscriber = caf::actor_cast<caf::actor>(self->current_sender());
      return self->spawn(relay, st.run_manager, subscriber, run_id, from, meta, st.lim);
    },
    [self](cancel_atom, const std::string& run_id) -> caf::result<int32_t> {
      if (!trusted(self))
        return refused();
      auto rp = self->make_response_promise<int32_t>();
      self->request(self->state.run_manager, self->state.lim.store_timeout, cancel_atom::value,
                    run_id)
        .then([rp](cancel_result r) mutable { rp.deliver(static_cast<int32_t>(r)); },
              [rp](caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
  };
}

} // namespace runcast::cluster
