#include "actors/engine.hpp"

#include "actors/atoms.hpp"
#include "actors/messages.hpp"
#include "actors/run_manager.hpp"
#include "actors/store_actor.hpp"
#include "actors/subscriber.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace runcast::actors {

namespace {

caf::actor_system_config& configure(caf::actor_system_config& cfg, const engine_options& opts) {
  auto workers = opts.worker_threads;
  if (workers == 0)
    workers = std::max<size_t>(2, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", workers);
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
  }

  engine_options opts;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::actor store;
  caf::actor manager;
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

std::shared_ptr<subscription> engine::subscribe(const std::string& run_id, int64_t from,
                                                bool meta, std::shared_ptr<frame_sink> sink) {
  auto sub = impl_->sys.spawn(subscriber, std::move(sink), impl_->manager, run_id, from, meta,
                              impl_->opts.lim);
  return std::make_shared<actor_subscription>(std::move(sub));
}

void engine::cancel(const std::string& run_id, std::function<void(cancel_result)> done) {
  auto mgr = impl_->manager;
  auto timeout = impl_->opts.lim.store_timeout;
  impl_->sys.spawn([mgr, timeout, run_id, done = std::move(done)](caf::event_based_actor* self) {
    self->request(mgr, timeout, cancel_atom::value, run_id)
      .then([done](cancel_result r) { done(r); },
            [done](caf::error&) { done(cancel_result::not_found); });
  });
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

} // namespace runcast::actors
