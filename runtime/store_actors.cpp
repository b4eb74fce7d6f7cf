#include "runtime/store_actors.hpp"

#include "actors/store_worker.hpp"
#include "core/thread_name.hpp"

#include <caf/all.hpp>

namespace runcast::runtime {

std::pair<actors::store_actor, actors::store_actor>
spawn_store_actors(caf::actor_system& sys, std::shared_ptr<persistence::store> db,
                   std::shared_ptr<node_metrics> metrics) {
  using namespace actors;
  using self_ptr = store_worker_actor::stateful_pointer<store_worker_state>;
  // A detached actor makes its behavior on its own thread (which CAF names caf.actor): the
  // name is set there.
  auto writer = sys.spawn<caf::detached>(
    [](self_ptr self, std::shared_ptr<persistence::store> db, std::shared_ptr<node_metrics> m) {
      name_this_thread("rc-store-write");
      return counted_store_worker(self, std::move(db), std::move(m));
    },
    db, std::move(metrics));
  auto reader = sys.spawn<caf::detached>(
    [](self_ptr self, std::shared_ptr<persistence::store> db) {
      name_this_thread("rc-store-read");
      return store_worker(self, std::move(db));
    },
    std::move(db));
  return {writer, reader};
}

} // namespace runcast::runtime
