// The actor side of the runtime's face: the actor system and the actors of one node, and
// the calls that go through them (engine_store.cpp holds the store reads).

#include "runtime/engine.hpp"

#include "actors/type_ids.hpp"
#include "actors/run_manager.hpp"
#include "actors/start_request.hpp"
#include "actors/run_recovery.hpp"
#include "actors/step_pacer.hpp"
#include "actors/errors.hpp"
#include "actors/log_directory.hpp"
#include "actors/subscriber.hpp"
#include "cluster/gateway.hpp"
#include "cluster/locator.hpp"
#include "cluster/membership.hpp"
#include "runtime/actor_subscription.hpp"
#include "runtime/direct_subscription.hpp"
#include "runtime/io_pool.hpp"
#include "runtime/request_once.hpp"
#include "runtime/run_builder.hpp"
#include "runtime/snapshot_subscription.hpp"
#include "runtime/store_actors.hpp"
#include "runtime/store_pool.hpp"
#include "core/meta_frames.hpp"
#include "core/tsan_handoff.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <tuple>

namespace runcast::runtime {

using namespace runcast::actors;
using detail::request_once;

struct engine::impl {
  impl(engine_options o, caf::actor_system* given, std::shared_ptr<persistence::store> db,
       io_executor io, child_factory children, history_reader history)
    : opts(std::move(o)), owned(given ? nullptr : own_system(opts, cfg)),
      sys(given ? *given : *owned) {
    if (opts.cluster.port != 0 && !sys.has_middleman())
      throw std::runtime_error("a cluster needs CAF's middleman: load caf::io::middleman in "
                               "the actor system's config");
    std::tie(store, reader) = spawn_store_actors(sys, std::move(db), metrics);
    const auto& l = opts.lim;
    budget = std::make_shared<log_budget>(l.node_unpersisted_bytes, l.finished_logs,
                                          l.finished_bytes, l.retention);
    pacer = sys.spawn(step_pacer);
    run_environment env{io, std::move(children), std::move(history), opts.lim, opts.node_id};
    env.pacer = pacer;
    manager = sys.spawn(run_manager, log_services{store, reader, budget, metrics, directory},
                        std::move(env));
    try {
      bool clustered = opts.cluster.port != 0;
      if (clustered)
        join_cluster();
      locator = sys.spawn(cluster::locator, manager, members, opts.node_id, opts.lim);
      if (clustered)
        publish_gateway();
    } catch (...) {
      // ~actor_system waits for every actor, and the store workers wait for messages: a
      // node that cannot bind its cluster port would hang here, silently, instead of
      // saying why it cannot start.
      stop_actors();
      throw;
    }
  }

  /// Tells the long-lived actors to go (~actor_system waits for every actor).
  void stop_actors() {
    caf::scoped_actor self{sys};
    for (const auto& handle : {caf::actor_cast<caf::actor>(members),
                               caf::actor_cast<caf::actor>(gateway),
                               caf::actor_cast<caf::actor>(locator),
                               caf::actor_cast<caf::actor>(manager),
                               caf::actor_cast<caf::actor>(store),
                               caf::actor_cast<caf::actor>(reader),
                               caf::actor_cast<caf::actor>(pacer)})
      if (handle)
        self->send_exit(handle, caf::exit_reason::user_shutdown);
  }

  /// Starts connecting to the peers (membership), before the locator that asks it.
  void join_cluster() {
    const auto& c = opts.cluster;
    if (c.secret.empty())
      throw std::runtime_error("a cluster needs a shared secret (--cluster-secret)");
    std::vector<cluster::peer_address> peers;
    for (const auto& [host, p] : c.peers)
      peers.push_back({host, p});
    members = sys.spawn(cluster::membership, opts.node_id, c.secret, std::move(peers), opts.lim);
  }

  /// Publishes the gateway peers talk to on the cluster port.
  void publish_gateway() {
    const auto& c = opts.cluster;
    gateway = sys.spawn(cluster::gateway, locator, opts.node_id, c.secret, opts.lim, metrics);
    auto port = sys.middleman().publish(gateway, c.port, c.host.c_str(), true);
    if (!port)
      throw std::runtime_error("cannot bind the cluster port " + c.host + ":"
                               + std::to_string(c.port) + ": " + sys.render(port.error()));
    bound_port = *port;
    spdlog::info("cluster: node {} accepts peers on {}:{}", opts.node_id, c.host, bound_port);
  }

  /// The actor system runcast starts when it is not given one.
  static std::unique_ptr<caf::actor_system> own_system(const engine_options& opts,
                                                       caf::actor_system_config& cfg) {
    configure_actor_system(cfg, opts);
    return std::make_unique<caf::actor_system>(cfg);
  }

  engine_options opts;
  caf::actor_system_config cfg;              ///< for the owned system
  std::unique_ptr<caf::actor_system> owned;  ///< when no system was given
  caf::actor_system& sys;                    ///< owned, or the embedder's
  store_actor store;                  ///< writes
  store_actor reader;                 ///< event logs' reads
  step_pacer_actor pacer;             ///< step runnables' waits (actors/step_pacer.hpp)
  std::shared_ptr<log_budget> budget; ///< the node's bounds on event logs' memory
  /// What /metrics shows; made first, since the store worker and the logs count into it.
  std::shared_ptr<node_metrics> metrics = std::make_shared<node_metrics>();
  /// The event logs in memory, for local clients to subscribe to without a round trip.
  std::shared_ptr<log_directory> directory = std::make_shared<log_directory>();
  std::atomic<uint64_t> next_subscription{1}; ///< ids of direct subscriptions
  run_manager_actor manager;
  locator_actor locator;
  cluster::gateway_actor gateway;     ///< with a cluster
  cluster::membership_actor members;  ///< with a cluster
  uint16_t bound_port = 0;
  bool stopped = false;
  std::atomic<bool> draining{false}; ///< read by /health on HTTP threads
};

engine::engine(engine_options opts, std::shared_ptr<persistence::store> db,
               component_registry components, actors::runnable_registry runnables)
  : engine(nullptr, std::move(opts), std::move(db), std::move(components),
           std::move(runnables)) {
}

engine::engine(caf::actor_system& sys, engine_options opts,
               std::shared_ptr<persistence::store> db, component_registry components,
               actors::runnable_registry runnables)
  : engine(&sys, std::move(opts), std::move(db), std::move(components), std::move(runnables)) {
}

engine::engine(caf::actor_system* sys, engine_options opts,
               std::shared_ptr<persistence::store> db, component_registry components,
               actors::runnable_registry runnables)
  : db_(std::move(db)),
    components_(std::move(components)),
    runnables_(std::move(runnables)),
    pool_(std::make_unique<store_pool>(std::max<size_t>(1, opts.lim.store_threads))),
    io_(std::make_unique<io_pool>(std::max<size_t>(1, opts.lim.io_threads))) {
  for (const char* kind : {"agents", "teams", "workflows"})
    for (const auto* c : components_.list(kind))
      if (!runnables_.contains(c->runnable))
        throw std::runtime_error("component " + c->kind + "/" + c->id
                                 + " names runnable '" + c->runnable
                                 + "', which this node does not have");
  if (opts.recover) {
    auto recovered = recover_interrupted_runs(*db_, opts.node_id, components_);
    if (recovered > 0)
      spdlog::warn("marked {} interrupted runs as ERROR", recovered);
  }
  // Child runs are built from the same registries as runs (both outlive the actors).
  auto children = [this](const child_request& req, const run_info& parent) {
    return build_child(req, parent, components_, runnables_);
  };
  auto history = [this](const std::string& session_id, const std::string& before, size_t n,
                        std::function<void(std::vector<past_run>)> done) {
    read_history(session_id, before, n, std::move(done));
  };
  impl_ = std::make_unique<impl>(std::move(opts), sys, db_, io_executor{&io_->context()},
                                 std::move(children), std::move(history));
}

engine::~engine() {
  shutdown(impl_->opts.lim.shutdown_grace);
}

void engine::start_run(run_request req, callback<run_record> done) {
  auto spec = build_run(req, components_, runnables_, impl_->opts.node_id);
  if (!spec)
    return done(spec.error());
  tsan_release(spec->body.get()); // built here, run on a CAF thread (core/tsan_handoff.hpp)
  // Shared, not copied: the callbacks are copied on their way through the actors, and a
  // run's input may be a megabyte.
  auto record = std::make_shared<const run_record>(spec->record);
  // No actor and no timer per start: the manager answers once the store has taken the run
  // or refused it (the store bounds its writes), or the request answers itself if the
  // manager is gone (actors/start_request.hpp).
  auto answer = [done, record](const caf::error& err) {
    if (!err)
      return done(*record);
    auto f = to_failure(err, "the runtime is not running");
    f.detail = "run not started: " + f.detail;
    done(std::move(f));
  };
  auto start = std::make_shared<start_request>(std::move(*spec), std::move(answer));
  caf::anon_send(impl_->manager, start_atom::value, std::move(start));
}

void engine::cancel(run_ref ref, access who, callback<bool> done) {
  find_run(std::move(ref), std::move(who), [this, done](outcome<run_record> run) {
    if (!run)
      return done(run.error());
    if (is_terminal(run->status))
      return done(failure{errc::conflict, "Run " + run->run_id + " already finished ("
                                            + std::string{to_string(run->status)} + ")"});
    auto id = run->run_id;
    cancel_on_owner(id, run->owner_node, [done, id](int32_t r) {
      switch (static_cast<cancel_result>(r)) {
        case cancel_result::cancelled:
          return done(true);
        case cancel_result::finished:
          return done(failure{errc::conflict, "Run " + id + " already finished"});
        case cancel_result::not_found:
          return done(failure{errc::conflict, "Run " + id + " is not live on its owner node"});
      }
      done(failure{errc::unavailable, "Run " + id + "'s owner node did not answer; try again"});
    });
  });
}

void engine::cancel_started(const std::string& run_id) {
  cancel_on_owner(run_id, {});
}

void engine::cancel_on_owner(const std::string& run_id, const std::string& owner,
                             std::function<void(int32_t)> done) {
  if (!done)
    done = [](int32_t) {};
  request_once(
    impl_->sys, impl_->locator, impl_->opts.lim.store_timeout,
    [done](int32_t r) { done(r); },
    [done, run_id](const caf::error& err) {
      spdlog::warn("cancel {}: the owner did not answer: {}", run_id, to_string(err));
      done(-1); // neither cancelled nor known not to be: unavailable
    },
    cancel_atom::value, run_id, owner);
}

std::optional<held_run> engine::find_held_run(const run_ref& ref, const access& who) const {
  if (impl_->members)
    return std::nullopt; // see engine.hpp: a deletion elsewhere does not reach this directory
  auto listed = impl_->directory->lookup(ref.run_id);
  if (!listed || !may_see(listed->identity, ref, who))
    return std::nullopt; // find_run gives the one answer for unknown and refused
  return held_run{std::move(listed->identity), listed->stored};
}

void engine::forget_session_runs(const std::string& session_id) {
  impl_->directory->forget_session(session_id);
}

std::shared_ptr<subscription> engine::subscribe(const run_record& run, int64_t from, bool meta,
                                                std::shared_ptr<frame_sink> sink) {
  // A finished run is all in the (shared) store, so any node serves it itself; a live one
  // is followed where it runs.
  auto owner = is_terminal(run.status) ? std::string{} : run.owner_node;
  if (owner.empty() || owner == impl_->opts.node_id || !impl_->members) {
    // Here: the run's event log serves the sink itself, or the store has the run.
    auto listed = impl_->directory->lookup(run.run_id);
    if (!listed) {
      sink->on_not_found({});
      return std::make_shared<direct_subscription>(event_log_actor{}, 0, nullptr);
    }
    // A finished run whose frames the log keeps from `from` on: read them here, on the
    // client's thread, with no hop to the log's (what nchan does, and a replay's first
    // event is mostly hops). Anything else (a live run, or frames only the store still has)
    // goes to the log.
    if (listed->frames && std::max<int64_t>(from, 0) >= listed->frames->first) {
      auto head = listed->frames->end();
      auto& metrics = *impl_->metrics;
      if (listed->retained)
        impl_->budget->touch(*listed->retained);
      auto sub = std::make_shared<snapshot_subscription>(
        std::move(listed->frames), from, impl_->opts.lim.subscriber_window, std::move(sink),
        metrics);
      frame_ptr first;
      if (meta) {
        metrics.resumed(node_metrics::resume::replay);
        auto cursor = std::clamp<int64_t>(from, 0, head);
        first = make_frame(replay_frame(run.run_id, listed->identity.status, head - cursor, head));
      }
      sub->start(std::move(first));
      return sub;
    }
    auto log = std::move(listed->log);
    auto closed = std::make_shared<std::atomic<bool>>(false);
    auto id = impl_->next_subscription.fetch_add(1, std::memory_order_relaxed);
    caf::anon_send(log, subscribe_atom::value,
                   std::make_shared<direct_request>(id, std::move(sink), from, meta, closed));
    return std::make_shared<direct_subscription>(std::move(log), id, std::move(closed));
  }
  subscription_spec spec{run.run_id, std::move(owner), from, meta, caf::actor{}};
  auto sub = impl_->sys.spawn(subscriber, std::move(sink), impl_->locator, std::move(spec),
                              impl_->opts.lim);
  return std::make_shared<actor_subscription>(std::move(sub));
}

void engine::peers(std::function<void(std::vector<std::string>)> done) {
  if (!impl_->members)
    return done({});
  request_once(
    impl_->sys, impl_->members, impl_->opts.lim.store_timeout,
    [done](std::vector<std::string>& live) { done(std::move(live)); },
    [done](const caf::error&) { done({}); }, peers_atom::value);
}

void engine::stats(callback<runtime_stats> done) {
  request_once(
    impl_->sys, impl_->manager, impl_->opts.lim.store_timeout,
    [done, budget = impl_->budget](int64_t logs, int64_t live) {
      auto f = budget->read();
      runtime_stats st;
      st.event_logs = logs;
      st.live_runs = live;
      st.unpersisted_bytes = f.unpersisted_bytes;
      st.finished_logs = f.finished_logs;
      st.finished_bytes = f.finished_bytes;
      st.evictions = f.evictions;
      st.producer_pauses = f.pauses;
      st.store_failures = f.store_failures;
      done(st);
    },
    [this, done](const caf::error& err) {
      spdlog::warn("stats: run manager did not answer: {}", impl_->sys.render(err));
      done(failure{errc::unavailable, "the runtime did not answer in time"});
    },
    stats_atom::value);
}

node_metrics& engine::metrics() {
  return *impl_->metrics;
}

uint16_t engine::cluster_port() const {
  return impl_->bound_port;
}

void engine::drain(callback<bool> done) {
  impl_->draining = true;
  request_once(
    impl_->sys, impl_->manager, impl_->opts.lim.store_timeout,
    [done](bool) { done(true); },
    [done](const caf::error& err) { done(to_failure(err, "the runtime did not answer")); },
    drain_atom::value);
}

bool engine::draining() const {
  return impl_->draining;
}

bool engine::shutdown(std::chrono::milliseconds grace) {
  if (impl_->stopped)
    return true;
  impl_->stopped = true;
  impl_->draining = true;
  bool clean = true;
  {
    caf::scoped_actor self{impl_->sys};
    // The grace for runs to finish, then the store's time to take what they wrote.
    self->request(impl_->manager, grace + impl_->opts.lim.store_timeout, shutdown_atom::value,
                  static_cast<int64_t>(grace.count()))
      .receive([](bool) {},
               [&](caf::error& err) {
                 clean = false;
                 spdlog::warn("shutdown: runs did not all reach the store in time ({})",
                              impl_->sys.render(err));
               });
  }
  impl_->stop_actors();
  // Producers' I/O stops with the runs; store work still queued answers its callers
  // before the store goes away.
  io_->stop();
  pool_->join();
  return clean;
}

const limits& engine::lim() const {
  return impl_->opts.lim;
}

const std::string& engine::node_id() const {
  return impl_->opts.node_id;
}

} // namespace runcast::runtime
