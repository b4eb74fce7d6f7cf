#pragma once

#include "actors/runnable_registry.hpp"

namespace runcast::runnables {

/// The runnables runcast ships, by the name a component's `runnable` gives: `echo`.
actors::runnable_registry builtins();

} // namespace runcast::runnables
