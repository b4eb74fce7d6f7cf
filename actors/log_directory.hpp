#pragma once

#include "actors/event_log_actor.hpp"

#include <caf/actor_addr.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace runcast::actors {

/// The event logs a node holds in memory, by run id, for threads outside the actor system:
/// a local client subscribes to its run's log in one message, with no actor of its own and
/// no lookup round trip. The run manager lists each log as it spawns it, before the run
/// can be known to any client; the log leaves as it terminates (list_until_exit).
class log_directory {
public:
  void add(const std::string& run_id, const event_log_actor& log);

  /// Removes the entry of `run_id` if it is `log` (a later log of the same id stays).
  void remove(const std::string& run_id, const caf::actor_addr& log);

  /// The run's log, or an invalid handle.
  event_log_actor find(const std::string& run_id) const;

  size_t size() const;

private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, event_log_actor> logs_;
};

/// Lists `log` under `run_id` in `dir` until the log terminates, however it ends (at once,
/// if it has already).
void list_until_exit(const std::shared_ptr<log_directory>& dir, const std::string& run_id,
                     const event_log_actor& log);

} // namespace runcast::actors
