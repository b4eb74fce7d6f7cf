#pragma once

/// @file
/// Everything an embedding program uses: `#include <runcast/runcast.hpp>` and link
/// `runcast::runcast` (`find_package(runcast CONFIG REQUIRED)`).
///
/// A program with its own CAF actor system:
///
///     runcast::options opts;                       // store, node id, limits, cluster
///     caf::actor_system_config cfg;
///     runcast::configure(cfg, opts);               // the one call on your config
///     caf::actor_system sys{cfg};
///     runcast::components comps;
///     comps.function("shout", [](runcast::function_run& run) { ... return output; });
///     comps.agent("shouter", "Shouter", "shout");
///     runcast::node node{sys, opts, std::move(comps)};
///     runcast::http_server http{node, {"127.0.0.1", 7777}};
///     http.start();
///
/// `examples/embed/` is a complete program.

#include "runcast/components.hpp"
#include "runcast/http_server.hpp"
#include "runcast/node.hpp"
#include "runcast/options.hpp"
#include "runcast/runnable.hpp"
#include "runcast/version.hpp"
