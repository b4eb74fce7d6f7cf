// The body of the runcast executable: parses the command line, opens the store, starts the
// runtime (which recovers runs a crash interrupted) and the HTTP server, and shuts down in
// order on SIGTERM/SIGINT: stop accepting → end streams cleanly → let runs finish for the
// grace, end the rest → flush the store → stop. SIGUSR1 drains the node.

#include "app/serve.hpp"

#include "app/cli.hpp"
#include "app/config_invalid.hpp"
#include "core/component_registry.hpp"
#include "core/log_format.hpp"
#include "http/server.hpp"
#include "http/server_context.hpp"
#include "persistence/store.hpp"
#include "runtime/engine.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

namespace runcast::app {

namespace {

constexpr const char* version_text = "runcast 0.1.0";

int serve(const serve_options& o, const std::vector<component>& configured,
          actors::runnable_registry runnables, const std::vector<component>& extra_components) {
  // Block the signals before any thread starts (the store starts its own: the SQLite
  // checkpointer), so that every thread inherits the mask; the main thread waits for them
  // below. A thread started earlier would take SIGTERM's default action: exit at once.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // The config file was read and checked whole by parse_command_line.
  auto registry = o.config.empty() ? component_registry::demo() : component_registry{};
  for (const auto& c : configured)
    registry.add(c);
  for (const auto& c : extra_components)
    registry.add(c);
  if (o.bench_agent)
    registry.add({"agents", "bench", "Bench Agent",
                  "Load generator: `events` events of `bytes` bytes, `rate` per second "
                  "(0: as fast as allowed), after `wait_ms`; each stamped with the wall clock.",
                  "bench", nlohmann::json::object()});
  std::shared_ptr<persistence::store> db = persistence::open_store(o.db);

  runtime::engine_options eo;
  eo.lim = o.lim;
  eo.node_id = o.node_id;
  eo.worker_threads = o.worker_threads;
  eo.cluster.port = o.cluster_port;
  eo.cluster.host = o.cluster_host;
  eo.cluster.peers = o.peers;
  eo.cluster.secret = o.cluster_secret;
  // The runtime marks the runs a crash interrupted ERROR before anything is served.
  runtime::engine engine{eo, db, std::move(registry), std::move(runnables)};
  http::server_context ctx{engine, o.lim, o.auth_key, o.fault_cut_streams_after,
                           o.cors_origins};
  if (o.fault_cut_streams_after > 0)
    spdlog::warn("fault hook on: every SSE stream is dropped after {} events (tests only)",
                 o.fault_cut_streams_after);
  http::server server{ctx, o.host, o.port};
  server.start(o.http_threads);
  spdlog::info("listening on {}:{} (node {}, store {}{})", o.host, server.port(), o.node_id,
               o.db, o.auth_key.empty() ? "" : ", auth on");

  // SIGUSR1 drains (as POST /admin/drain does): no new runs, live ones go on.
  int sig = 0;
  for (sigwait(&signals, &sig); sig == SIGUSR1; sigwait(&signals, &sig)) {
    spdlog::info("received SIGUSR1, draining");
    engine.drain([](outcome<bool> done) {
      if (!done)
        spdlog::error("drain failed: {}", done.error().detail);
    });
  }
  spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  // In order: no new connections; every SSE stream ends with its last chunk, so clients
  // resume elsewhere at once; live runs get the grace to finish (the rest end ERROR);
  // every event reaches the store; then the connections close.
  server.stop_accepting();
  ctx.streams->end_all();
  bool clean = engine.shutdown(o.lim.shutdown_grace);
  server.stop();
  spdlog::info("stopped{}", clean ? "" : " (some runs had not reached the store)");
  return clean ? 0 : 1;
}

} // namespace

int main_with(int argc, char** argv, actors::runnable_registry runnables,
              const std::vector<component>& extra_components) {
  auto logger = spdlog::stderr_color_mt("runcast");
  spdlog::set_default_logger(logger);
  spdlog::flush_on(spdlog::level::info);
  try {
    // A config file's agents may name what this binary registered; teams and workflows
    // run on "team" and "workflow".
    auto names = runnables.names();
    names.insert({"team", "workflow"});
    auto cmd = parse_command_line({argv + 1, argv + argc}, names);
    switch (cmd.kind) {
      case command::help:
        std::cout << usage();
        return 0;
      case command::check_config:
        for (const auto& line : cmd.config_errors)
          std::cerr << line << "\n";
        if (!cmd.config_errors.empty())
          return 1;
        std::cout << cmd.config_summary << "\n";
        return 0;
      case command::version:
        std::cout << version_text << "\n";
        return 0;
      case command::serve:
        spdlog::set_level(spdlog::level::from_str(cmd.serve_opts.log_level));
        logs::set_format(cmd.serve_opts.log_format == "json" ? logs::format::json
                                                              : logs::format::text,
                         cmd.serve_opts.node_id);
        return serve(cmd.serve_opts, cmd.components, std::move(runnables), extra_components);
    }
  } catch (const config_invalid& e) {
    // Before anything is bound or opened: the operator fixes the file and starts again.
    for (const auto& line : e.lines())
      std::cerr << line << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "runcast: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("runcast: {}", e.what());
    return 1;
  }
  return 0;
}

} // namespace runcast::app
