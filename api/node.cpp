#include "runcast/node.hpp"

#include "api/component_parts.hpp"
#include "api/event_subscription_state.hpp"
#include "persistence/store.hpp"
#include "runtime/engine.hpp"

#include <caf/actor.hpp>
#include <caf/send.hpp>

#include <utility>

namespace runcast {

namespace {

runtime::engine_options engine_options_of(const options& o) {
  runtime::engine_options eo;
  eo.lim = o.lim;
  eo.node_id = o.node_id;
  eo.worker_threads = o.worker_threads;
  eo.recover = o.recover;
  eo.cluster.port = o.cluster_port;
  eo.cluster.host = o.cluster_host;
  eo.cluster.peers = o.peers;
  eo.cluster.secret = o.cluster_secret;
  return eo;
}

} // namespace

struct node::impl {
  /// Kept for the functions' thread pool: destroyed after the engine, so no run is left
  /// that a function could still be working for.
  std::shared_ptr<components::parts> parts;
  std::unique_ptr<runtime::engine> engine;
};

node::node(caf::actor_system& sys, options opts, components comps)
  : impl_(std::make_unique<impl>()) {
  impl_->parts = comps.parts_;
  std::shared_ptr<persistence::store> db = persistence::open_store(opts.store);
  impl_->engine = std::make_unique<runtime::engine>(sys, engine_options_of(opts), std::move(db),
                                                    impl_->parts->registry,
                                                    impl_->parts->runnables);
}

node::node(options opts, components comps) : impl_(std::make_unique<impl>()) {
  impl_->parts = comps.parts_;
  std::shared_ptr<persistence::store> db = persistence::open_store(opts.store);
  impl_->engine = std::make_unique<runtime::engine>(engine_options_of(opts), std::move(db),
                                                    impl_->parts->registry,
                                                    impl_->parts->runnables);
}

node::~node() = default; // the engine's destructor shuts down

void node::start(run_request req, std::function<void(outcome<run_record>)> done) {
  impl_->engine->start_run({std::move(req.kind), std::move(req.component_id),
                            std::move(req.message), std::move(req.session_id),
                            std::move(req.user_id), std::move(req.params)},
                           std::move(done));
}

std::unique_ptr<event_subscription> node::subscribe(const std::string& run_id,
                                                    const std::string& session_id,
                                                    int64_t after, event_handler handler) {
  int64_t from = after < 0 ? 0 : after + 1;
  auto st = std::make_shared<event_subscription::state>(*impl_->engine, run_id, from,
                                                        std::move(handler));
  runtime::access who{session_id, std::nullopt};
  // Any kind and component: the caller names the run by its id alone.
  impl_->engine->find_run({"", "", run_id}, who, [st, from](outcome<run_record> run) {
    if (!run)
      return st->finish({false, run.error().detail});
    st->attach(st->engine.subscribe(*run, from, false, st));
  });
  return std::make_unique<event_subscription>(st);
}

std::unique_ptr<event_subscription> node::subscribe(const std::string& run_id,
                                                    const std::string& session_id,
                                                    int64_t after, caf::actor receiver) {
  event_handler to_actor;
  to_actor.on_event = [receiver](const run_event& ev) { caf::anon_send(receiver, ev); };
  to_actor.on_end = [receiver](const subscription_end& end) { caf::anon_send(receiver, end); };
  return subscribe(run_id, session_id, after, std::move(to_actor));
}

void node::cancel(const std::string& run_id, const std::string& session_id,
                  std::function<void(outcome<bool>)> done) {
  impl_->engine->cancel({"", "", run_id}, runtime::access{session_id, std::nullopt},
                        std::move(done));
}

void node::find(const std::string& run_id, const std::string& session_id,
                std::function<void(outcome<run_record>)> done) {
  impl_->engine->find_run({"", "", run_id}, runtime::access{session_id, std::nullopt},
                          std::move(done));
}

void node::drain(std::function<void(outcome<bool>)> done) {
  impl_->engine->drain(std::move(done));
}

bool node::shutdown(std::chrono::milliseconds grace) {
  return impl_->engine->shutdown(grace);
}

uint16_t node::cluster_port() const {
  return impl_->engine->cluster_port();
}

::runcast::runtime::engine& node::engine() {
  return *impl_->engine;
}

} // namespace runcast
