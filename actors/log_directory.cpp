#include "actors/log_directory.hpp"

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>

namespace runcast::actors {

void log_directory::add(const std::string& run_id, const event_log_actor& log) {
  std::lock_guard<std::mutex> lock{mutex_};
  logs_[run_id] = log;
}

void log_directory::remove(const std::string& run_id, const caf::actor_addr& log) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto i = logs_.find(run_id);
  if (i != logs_.end() && i->second.address() == log)
    logs_.erase(i);
}

event_log_actor log_directory::find(const std::string& run_id) const {
  std::lock_guard<std::mutex> lock{mutex_};
  auto i = logs_.find(run_id);
  return i == logs_.end() ? event_log_actor{} : i->second;
}

size_t log_directory::size() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return logs_.size();
}

void list_until_exit(const std::shared_ptr<log_directory>& dir, const std::string& run_id,
                     const event_log_actor& log) {
  dir->add(run_id, log);
  // Run by the log as it exits, or here and now if it is gone already.
  caf::actor_cast<caf::abstract_actor*>(log)->attach_functor(
    [dir, run_id, addr = log.address()] { dir->remove(run_id, addr); });
}

} // namespace runcast::actors
