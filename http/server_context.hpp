#pragma once

#include "cluster/engine.hpp"
#include "core/component_registry.hpp"
#include "core/limits.hpp"
#include "persistence/store.hpp"

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <string>

namespace runcast::http {

/// What request handlers share: the runtime, the store, the configured components. Lives as
/// long as the server; everything in it is thread-safe.
struct server_context {
  cluster::engine& engine;
  std::shared_ptr<persistence::store> store;
  const component_registry& registry;
  limits lim;
  std::string auth_key; ///< empty: no authentication

  /// Blocking store calls run here, never on an I/O thread.
  boost::asio::thread_pool& db_pool;
};

} // namespace runcast::http
