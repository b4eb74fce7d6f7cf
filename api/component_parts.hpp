#pragma once

// What a runcast::components set holds, for the node built from it (not installed).

#include "runcast/components.hpp"

#include "actors/runnable_registry.hpp"
#include "core/component_registry.hpp"

#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <memory>

namespace runcast {

struct components::parts {
  component_registry registry;
  actors::runnable_registry runnables;
  /// The functions' threads, made at the first function(); shared by their factories, so it
  /// lives as long as the node that runs them.
  std::shared_ptr<boost::asio::thread_pool> pool;
  std::size_t pool_threads = 4;
};

} // namespace runcast
