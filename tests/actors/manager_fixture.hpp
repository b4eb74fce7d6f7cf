#pragma once

// A run manager on a real SQLite store, all on CAF's deterministic scheduler, for the run
// manager's tests (run_manager_test.cpp, run_manager_load_test.cpp).

#include "actors/run_manager.hpp"
#include "actors/step_pacer.hpp"
#include "actors/runnable_registry.hpp"
#include "actors/store_worker.hpp"
#include "core/component_registry.hpp"
#include "core/event_names.hpp"
#include "persistence/store.hpp"
#include "runnables/builtins.hpp"
#include "tests/support/deterministic_system.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <caf/all.hpp>
#include <catch2/catch.hpp>

namespace runcast::test {

using namespace runcast::actors;
using namespace std::chrono_literals;

/// An async runnable that never ends by itself: it records that it was told to stop.
struct idle_runnable : async_runnable {
  void start(std::shared_ptr<run_context> ctx) override {
    ctx->on_cancel([this] { stopped = true; });
  }
  bool stopped = false;
};

/// Children as the runtime builds them: components of a registry, built-in runnables.
inline child_factory children() {
  auto components = std::make_shared<component_registry>(component_registry::demo());
  auto runnables = std::make_shared<runnable_registry>(runnables::builtins());
  return [components, runnables](const child_request& req, const run_info& parent)
           -> outcome<std::pair<run_info, std::shared_ptr<runnable>>> {
    if (req.component_id == "boom")
      throw std::runtime_error("a factory bug"); // escapes into the run actor
    const auto* c = components->find(req.kind, req.component_id);
    if (c == nullptr)
      return failure{errc::not_found, "no such component"};
    run_info info{parent.run_id, parent.session_id, "", req.kind, c->id, req.message, {},
                  names_for_kind(req.kind)};
    auto body = runnables->make(*c, info, req.params);
    return std::make_pair(std::move(info), std::move(body));
  };
}

/// A run manager on a real SQLite store, all on the deterministic scheduler.
struct manager_fixture : test::deterministic_system {
  /// `paced`: step runnables wait on a step pacer (actors/step_pacer.hpp), as in the
  /// runtime; otherwise on CAF timers of their own.
  explicit manager_fixture(limits l = {}, bool paced = false) : lim(l) {
    db = persistence::open_store("sqlite:" + dir.file("runs.db").string());
    // Not detached: on the test scheduler its (blocking) handlers run when the test runs.
    store = sys.spawn(store_worker, db);
    auto budget = std::make_shared<log_budget>(lim.node_unpersisted_bytes, lim.finished_logs,
                                               lim.finished_bytes, lim.retention);
    run_environment env{io_executor{&io}, children(), history_reader{}, lim, "node-1"};
    if (paced)
      env.pacer = pacer = sys.spawn(step_pacer);
    manager = sys.spawn(run_manager, log_services{store, store, budget}, std::move(env));
  }

  ~manager_fixture() {
    self->send_exit(manager, caf::exit_reason::user_shutdown);
    self->send_exit(store, caf::exit_reason::user_shutdown);
    if (pacer)
      self->send_exit(pacer, caf::exit_reason::user_shutdown);
    run();
  }

  run_spec spec(const std::string& id, std::shared_ptr<runnable> body,
                const std::string& kind = "agents") {
    run_spec s;
    s.record.run_id = id;
    s.record.session_id = "s";
    s.record.kind = kind;
    s.record.component_id = "c";
    s.record.owner_node = "n1";
    s.context = {id, "s", kind, "c", "C"};
    s.info.run_id = id;
    s.info.kind = kind;
    s.info.names = names_for_kind(kind);
    s.body = std::move(body);
    return s;
  }

  /// Starts a run and runs the system until nothing is left to do (or only timers).
  void start(run_spec s) {
    bool started = false;
    auto rh = self->request(manager, 5s, start_atom::value, std::move(s));
    run();
    rh.receive([&](bool ok) { started = ok; }, [](caf::error& err) { FAIL(to_string(err)); });
    REQUIRE(started);
    run();
  }

  cancel_result cancel(const std::string& id) {
    cancel_result out = cancel_result::not_found;
    auto rh = self->request(manager, 5s, cancel_atom::value, id);
    run();
    rh.receive([&](cancel_result r) { out = r; }, [](caf::error& err) { FAIL(to_string(err)); });
    run();
    return out;
  }

  /// The run's event log, while this node holds one (invalid otherwise).
  event_log_actor lookup(const std::string& id) {
    event_log_actor out;
    auto rh = self->request(manager, 5s, lookup_atom::value, id);
    run();
    rh.receive([&](event_log_actor& log) { out = std::move(log); },
               [](caf::error& err) { FAIL(to_string(err)); });
    return out;
  }

  /// Event logs the manager holds (running or retained).
  int64_t logs_held() {
    int64_t logs = -1;
    auto rh = self->request(manager, 5s, stats_atom::value);
    run();
    rh.receive([&](int64_t held, int64_t) { logs = held; },
               [](caf::error& err) { FAIL(to_string(err)); });
    return logs;
  }

  /// The stored run and the types of its stored events.
  std::pair<run_record, std::vector<std::string>> stored(const std::string& id) {
    auto run = db->find_run(id);
    REQUIRE(run);
    std::vector<std::string> types;
    for (auto& ev : db->load_events(id, 0, 1000))
      types.push_back(ev.type);
    return {*run, types};
  }

  test::temp_dir dir;
  limits lim;
  boost::asio::io_context io;
  std::shared_ptr<persistence::store> db;
  store_actor store;
  run_manager_actor manager;
  step_pacer_actor pacer; ///< with `paced`
};

} // namespace runcast::test
