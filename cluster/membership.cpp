#include "cluster/membership.hpp"

#include "actors/type_ids.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>

namespace runcast::cluster {

using namespace runcast::actors;

namespace {

using self_ptr = membership_impl::stateful_pointer<membership_state>;

void retry_later(self_ptr self, size_t i) {
  auto& p = self->state.peers[i];
  const auto& lim = self->state.lim;
  p.backoff = std::min(lim.peer_backoff_max, std::max(lim.peer_backoff_min, p.backoff * 2));
  self->delayed_send(self, p.backoff, connect_to_atom::value, static_cast<uint64_t>(i));
}

void connect(self_ptr self, size_t i) {
  auto& st = self->state;
  auto addr = st.peers[i].address;
  // Non-blocking: the middleman actor connects on its own thread and answers us; a blocking
  // remote_actor() here would stall a CAF worker for as long as a peer is unreachable.
  self
    ->request(self->system().middleman().actor_handle(), st.lim.peer_connect_timeout,
              caf::connect_atom::value, addr.host, addr.port)
    .then(
      [self, i, addr](const caf::node_id&, caf::strong_actor_ptr& ptr,
                      const std::set<std::string>&) {
        auto gw = caf::actor_cast<gateway_actor>(ptr);
        if (!gw) {
          retry_later(self, i);
          return;
        }
        auto& st = self->state;
        self->request(gw, st.lim.peer_connect_timeout, hello_atom::value, st.node_id, st.secret)
          .then(
            [self, i, gw](hello_atom, const std::string& their_id) {
              auto& p = self->state.peers[i];
              p.node_id = their_id;
              p.gateway = gw;
              p.backoff = std::chrono::milliseconds{0};
              self->monitor(gw);
              spdlog::info("cluster: peer {} ({}:{}) joined", their_id, p.address.host,
                           p.address.port);
            },
            [self, i, addr](caf::error& err) {
              spdlog::warn("cluster: peer {}:{} refused us: {}", addr.host, addr.port,
                           self->system().render(err));
              retry_later(self, i);
            });
      },
      [self, i, addr](caf::error& err) {
        spdlog::debug("cluster: cannot reach peer {}:{} yet: {}", addr.host, addr.port,
                      self->system().render(err));
        retry_later(self, i);
      });
}

} // namespace

membership_impl::behavior_type membership(self_ptr self, std::string node_id,
                                          std::string secret, std::vector<peer_address> peers,
                                          limits lim) {
  auto& st = self->state;
  st.lim = lim;
  st.node_id = std::move(node_id);
  st.secret = std::move(secret);
  for (auto& p : peers)
    st.peers.push_back({std::move(p), {}, {}, {}});
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    for (size_t i = 0; i < st.peers.size(); ++i) {
      auto& p = st.peers[i];
      if (p.gateway && p.gateway.address() == dm.source) {
        spdlog::warn("cluster: peer {} lost ({})", p.node_id, self->system().render(dm.reason));
        p.gateway = gateway_actor{};
        retry_later(self, i);
      }
    }
  });
  for (size_t i = 0; i < st.peers.size(); ++i)
    connect(self, i);
  return {
    [self](connect_to_atom, uint64_t i) {
      if (i < self->state.peers.size() && !self->state.peers[i].gateway)
        connect(self, static_cast<size_t>(i));
    },
    [self](lookup_atom, const std::string& node) -> gateway_actor {
      for (auto& p : self->state.peers)
        if (p.gateway && p.node_id == node)
          return p.gateway;
      return {};
    },
    [self](peers_atom) -> std::vector<std::string> {
      std::vector<std::string> live;
      for (auto& p : self->state.peers)
        if (p.gateway)
          live.push_back(p.node_id);
      return live;
    },
  };
}

} // namespace runcast::cluster
