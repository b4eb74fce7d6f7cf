#include "cluster/engine.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"
#include "actors/run_manager.hpp"
#include "actors/store_actor.hpp"
#include "actors/subscriber.hpp"
#include "cluster/gateway.hpp"
#include "cluster/membership.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace runcast::cluster {

using namespace runcast::actors;

namespace {

caf::actor_system_config& configure(caf::actor_system_config& cfg, const engine_options& opts) {
  auto workers = opts.worker_threads;
  if (workers == 0)
    workers = std::max<size_t>(2, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", workers);
  if (opts.cluster.port != 0) {
    cfg.load<caf::io::middleman>();
    // Heartbeats make a hung peer (SIGSTOP, partition) visible: without them only a closed
    // socket is noticed.
    cfg.set("middleman.heartbeat-interval", caf::timespan{opts.cluster.heartbeat});
    cfg.set("middleman.connection-timeout", caf::timespan{opts.cluster.connection_timeout});
  }
  return cfg;
}

/// The HTTP side's handle on a subscriber actor.
class actor_subscription : public subscription {
public:
  explicit actor_subscription(caf::actor sub) : sub_(std::move(sub)) {
  }

  ~actor_subscription() override {
    close();
  }

  void credit(size_t n) override {
    caf::anon_send(sub_, credit_atom::value, static_cast<uint64_t>(n));
  }

  void close() override {
    if (!closed_.exchange(true))
      caf::anon_send(sub_, close_atom::value);
  }

private:
  caf::actor sub_;
  std::atomic<bool> closed_{false};
};

} // namespace

struct engine::impl {
  impl(engine_options o, std::shared_ptr<persistence::store> db)
    : opts(std::move(o)), sys(configure(cfg, opts)) {
    store = sys.spawn<caf::detached>(store_actor, std::move(db));
    manager = sys.spawn(run_manager, opts.lim, store);
    if (opts.cluster.port != 0)
      start_cluster();
  }

  void start_cluster() {
    const auto& c = opts.cluster;
    if (c.secret.empty())
      throw std::runtime_error("a cluster needs a shared secret (--cluster-secret)");
    gateway = sys.spawn(cluster::gateway, manager, opts.node_id, c.secret, opts.lim);
    auto port = sys.middleman().publish(gateway, c.port, c.host.c_str(), true);
    if (!port)
      throw std::runtime_error("cannot bind the cluster port " + c.host + ":"
                               + std::to_string(c.port) + ": " + sys.render(port.error()));
    bound_port = *port;
    std::vector<peer_address> peers;
    for (const auto& [host, p] : c.peers)
      peers.push_back({host, p});
    members = sys.spawn(membership, opts.node_id, c.secret, std::move(peers));
    spdlog::info("cluster: node {} accepts peers on {}:{}", opts.node_id, c.host, bound_port);
  }

  engine_options opts;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::actor store;
  caf::actor manager;
  caf::actor gateway;  ///< with a cluster
  caf::actor members;  ///< with a cluster
  uint16_t bound_port = 0;
  bool stopped = false;
};

engine::engine(engine_options opts, std::shared_ptr<persistence::store> db)
  : impl_(std::make_unique<impl>(std::move(opts), std::move(db))) {
}

engine::~engine() {
  shutdown(std::chrono::seconds{10});
}

void engine::start_run(run_spec spec, start_callback done) {
  auto mgr = impl_->manager;
  auto timeout = impl_->opts.lim.store_timeout;
  // A one-shot actor turns the request/response into a callback; it ends with the reply.
  impl_->sys.spawn([mgr, timeout, spec = std::move(spec),
                    done = std::move(done)](caf::event_based_actor* self) mutable {
    self->request(mgr, timeout, start_atom::value, std::move(spec))
      .then([done](bool) { done(std::nullopt); },
            [self, done](caf::error& err) { done(self->system().render(err)); });
  });
}

std::shared_ptr<subscription> engine::subscribe(const std::string& run_id,
                                                const std::string& owner, int64_t from,
                                                bool meta, std::shared_ptr<frame_sink> sink) {
  subscriber_route route{impl_->manager, impl_->members, impl_->opts.node_id};
  auto sub = impl_->sys.spawn(subscriber, std::move(sink), std::move(route), run_id, owner, from,
                              meta, impl_->opts.lim);
  return std::make_shared<actor_subscription>(std::move(sub));
}

void engine::cancel(const std::string& run_id, const std::string& owner,
                    std::function<void(cancel_result)> done) {
  auto mgr = impl_->manager;
  auto timeout = impl_->opts.lim.store_timeout;
  if (owner.empty() || owner == impl_->opts.node_id || !impl_->members) {
    impl_->sys.spawn([mgr, timeout, run_id, done = std::move(done)](caf::event_based_actor* self) {
      self->request(mgr, timeout, cancel_atom::value, run_id)
        .then([done](cancel_result r) { done(r); },
              [done](caf::error&) { done(cancel_result::not_found); });
    });
    return;
  }
  // Another node's run: its gateway cancels it there.
  auto members = impl_->members;
  impl_->sys.spawn([members, timeout, run_id, owner,
                    done = std::move(done)](caf::event_based_actor* self) {
    self->request(members, timeout, lookup_atom::value, owner)
      .then(
        [self, timeout, run_id, done](caf::actor& gateway) {
          if (!gateway) {
            done(cancel_result::not_found);
            return;
          }
          self->request(gateway, timeout, cancel_atom::value, run_id)
            .then([done](int32_t r) { done(static_cast<cancel_result>(r)); },
                  [done](caf::error&) { done(cancel_result::not_found); });
        },
        [done](caf::error&) { done(cancel_result::not_found); });
  });
}

void engine::peers(std::function<void(std::vector<std::string>)> done) {
  if (!impl_->members) {
    done({});
    return;
  }
  auto members = impl_->members;
  impl_->sys.spawn([members, done = std::move(done)](caf::event_based_actor* self) {
    self->request(members, std::chrono::seconds{5}, peers_atom::value)
      .then([done](std::vector<std::string>& live) { done(std::move(live)); },
            [done](caf::error&) { done({}); });
  });
}

uint16_t engine::cluster_port() const {
  return impl_->bound_port;
}

void engine::stats(std::function<void(runtime_stats)> done) {
  auto mgr = impl_->manager;
  impl_->sys.spawn([mgr, done = std::move(done)](caf::event_based_actor* self) {
    self->request(mgr, std::chrono::seconds{5}, stats_atom::value)
      .then([done](int64_t logs, int64_t live) { done({logs, live, true}); },
            [self, done](caf::error& err) {
              spdlog::warn("stats: run manager did not answer: {}", self->system().render(err));
              done({});
            });
  });
}

bool engine::shutdown(std::chrono::milliseconds grace) {
  if (impl_->stopped)
    return true;
  impl_->stopped = true;
  bool clean = true;
  {
    caf::scoped_actor self{impl_->sys};
    self->request(impl_->manager, grace, shutdown_atom::value)
      .receive([](bool) {},
               [&](caf::error& err) {
                 clean = false;
                 spdlog::warn("shutdown: runs did not all reach the store in time ({})",
                              impl_->sys.render(err));
               });
    // ~actor_system waits for every actor: tell the long-lived ones to go.
    if (impl_->members)
      self->send_exit(impl_->members, caf::exit_reason::user_shutdown);
    if (impl_->gateway)
      self->send_exit(impl_->gateway, caf::exit_reason::user_shutdown);
    self->send_exit(impl_->manager, caf::exit_reason::user_shutdown);
    self->send_exit(impl_->store, caf::exit_reason::user_shutdown);
  }
  return clean;
}

const limits& engine::lim() const {
  return impl_->opts.lim;
}

const std::string& engine::node_id() const {
  return impl_->opts.node_id;
}

} // namespace runcast::cluster
