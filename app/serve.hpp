#pragma once

#include "actors/runnable_registry.hpp"
#include "core/component.hpp"

#include <vector>

namespace runcast::app {

/// The whole runcast executable — command line, store, runtime, HTTP server, orderly
/// shutdown — with `runnables` available to components, and `extra_components` offered
/// besides the configured (or demo) ones. Returns the process exit code. `runcast` itself
/// passes the built-in runnables; the test server adds test runnables.
int main_with(int argc, char** argv, actors::runnable_registry runnables,
              const std::vector<component>& extra_components = {});

} // namespace runcast::app
