#include "runcast/options.hpp"

#include "runtime/engine.hpp"

namespace runcast {

void configure(caf::actor_system_config& cfg, const options& opts) {
  runtime::engine_options eo;
  eo.worker_threads = opts.worker_threads;
  eo.cluster.port = opts.cluster_port;
  runtime::configure_actor_system(cfg, eo);
}

} // namespace runcast
