#include "cluster/gateway.hpp"

#include "actors/type_ids.hpp"
#include "actors/errors.hpp"
#include "actors/subscriber.hpp"
#include "cluster/relay_sink.hpp"

#include <caf/all.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

namespace runcast::cluster {

using namespace runcast::actors;

namespace {

using self_ptr = gateway_actor::stateful_pointer<gateway_state>;

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// True if the current message comes from a node that presented the secret.
bool trusted(self_ptr self) {
  auto sender = self->current_sender();
  return sender && self->state.authenticated.count(sender->node()) > 0;
}

caf::error refused() {
  return make_failure(errc::invalid_argument, "refused: present the cluster secret first");
}

} // namespace

gateway_actor::behavior_type gateway(self_ptr self, locator_actor locator, std::string node_id,
                                     std::string secret, limits lim,
                                     std::shared_ptr<node_metrics> metrics) {
  auto& st = self->state;
  st.locator = std::move(locator);
  st.node_id = std::move(node_id);
  st.secret = std::move(secret);
  st.lim = lim;
  st.metrics = std::move(metrics);
  return {
    [self](hello_atom, const std::string& peer, const std::string& secret)
      -> caf::result<hello_atom, std::string> {
      auto& st = self->state;
      auto sender = self->current_sender();
      if (!sender || !same_secret(secret, st.secret)) {
        spdlog::warn("cluster: refused peer '{}': wrong cluster secret", peer);
        return make_failure(errc::invalid_argument, "refused: wrong cluster secret");
      }
      if (st.authenticated.insert(sender->node()).second)
        spdlog::info("cluster: peer '{}' authenticated", peer);
      return {hello_atom::value, st.node_id};
    },
    [self](subscribe_atom, const std::string& run_id, int64_t from, bool meta,
           caf::actor& remote) -> caf::result<caf::actor> {
      if (!trusted(self))
        return refused();
      auto& st = self->state;
      // This node owns the run: an ordinary subscriber follows it here and a relay sink
      // forwards to the remote one; credits come back to that subscriber directly.
      subscription_spec spec{run_id, st.node_id, from, meta, remote};
      auto sink = std::make_shared<relay_sink>(caf::actor_cast<wire_sink_actor>(remote),
                                               st.metrics);
      return caf::actor_cast<caf::actor>(
        self->spawn(subscriber, std::move(sink), st.locator, std::move(spec), st.lim));
    },
    [self](cancel_atom, const std::string& run_id) -> caf::result<int32_t> {
      if (!trusted(self))
        return refused();
      auto rp = self->make_response_promise<int32_t>();
      auto& st = self->state;
      self->request(st.locator, st.lim.store_timeout, cancel_atom::value, run_id, st.node_id)
        .then([rp](int32_t r) mutable { rp.deliver(r); },
              [rp](caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
  };
}

} // namespace runcast::cluster
