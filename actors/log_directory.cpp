#include "actors/log_directory.hpp"

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>

namespace runcast::actors {

void log_directory::add(run_record identity, const event_log_actor& log) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto id = identity.run_id;
  runs_[id] = listed_run{log, std::move(identity), 0, nullptr, std::nullopt};
}

void log_directory::finished(const std::string& run_id, run_status status, int64_t stored,
                             std::shared_ptr<const frozen_frames> frames,
                             std::optional<uint64_t> retained) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (auto i = runs_.find(run_id); i != runs_.end()) {
    i->second.identity.status = status;
    i->second.stored = stored;
    i->second.frames = std::move(frames);
    i->second.retained = retained;
  }
}

void log_directory::let_go(const std::string& run_id) {
  std::shared_ptr<const frozen_frames> last; // freed outside the lock: maybe 10,000 frames
  std::lock_guard<std::mutex> lock{mutex_};
  if (auto i = runs_.find(run_id); i != runs_.end()) {
    last = std::move(i->second.frames);
    i->second.retained.reset();
  }
}

void log_directory::forget_session(const std::string& session_id) {
  std::lock_guard<std::mutex> lock{mutex_};
  for (auto i = runs_.begin(); i != runs_.end();)
    i = i->second.identity.session_id == session_id ? runs_.erase(i) : std::next(i);
}

void log_directory::remove(const std::string& run_id, const caf::actor_addr& log) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto i = runs_.find(run_id);
  if (i != runs_.end() && i->second.log.address() == log)
    runs_.erase(i);
}

event_log_actor log_directory::find(const std::string& run_id) const {
  std::lock_guard<std::mutex> lock{mutex_};
  auto i = runs_.find(run_id);
  return i == runs_.end() ? event_log_actor{} : i->second.log;
}

std::optional<listed_run> log_directory::lookup(const std::string& run_id) const {
  std::lock_guard<std::mutex> lock{mutex_};
  auto i = runs_.find(run_id);
  if (i == runs_.end())
    return std::nullopt;
  return i->second;
}

size_t log_directory::size() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return runs_.size();
}

void list_until_exit(const std::shared_ptr<log_directory>& dir, run_record identity,
                     const event_log_actor& log) {
  auto run_id = identity.run_id;
  dir->add(std::move(identity), log);
  // Run by the log as it exits, or here and now if it is gone already.
  caf::actor_cast<caf::abstract_actor*>(log)->attach_functor(
    [dir, run_id, addr = log.address()] { dir->remove(run_id, addr); });
}

} // namespace runcast::actors
