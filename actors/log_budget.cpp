#include "actors/log_budget.hpp"

#include <vector>

namespace runcast::actors {

log_budget::log_budget(size_t max_unpersisted_bytes, size_t max_finished,
                       size_t max_finished_bytes)
  : max_unpersisted_(max_unpersisted_bytes),
    max_finished_(max_finished),
    max_finished_bytes_(max_finished_bytes) {
}

uint64_t log_budget::retain(size_t bytes, std::function<void()> evict) {
  std::vector<std::function<void()>> victims;
  uint64_t key = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    key = next_key_++;
    auto position = order_.insert(order_.end(), key);
    entries_.emplace(key, entry{bytes, std::move(evict), position});
    finished_bytes_ += bytes;
    while (!order_.empty()
           && (entries_.size() > max_finished_ || finished_bytes_ > max_finished_bytes_)) {
      auto victim = entries_.find(order_.front());
      finished_bytes_ -= victim->second.bytes;
      victims.push_back(std::move(victim->second.evict));
      entries_.erase(victim);
      order_.pop_front();
      ++evictions_;
    }
  }
  // Outside the lock: an eviction sends a message, which must not wait on our mutex.
  for (auto& v : victims)
    v();
  return key;
}

void log_budget::touch(uint64_t key) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = entries_.find(key);
  if (i == entries_.end())
    return;
  order_.splice(order_.end(), order_, i->second.position);
}

void log_budget::release(uint64_t key) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = entries_.find(key);
  if (i == entries_.end())
    return;
  finished_bytes_ -= i->second.bytes;
  order_.erase(i->second.position);
  entries_.erase(i);
}

log_budget::figures log_budget::read() const {
  figures f;
  f.unpersisted_bytes = unpersisted_.load(std::memory_order_relaxed);
  f.pauses = pauses_.load(std::memory_order_relaxed);
  f.store_failures = store_failures_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> guard{mutex_};
  f.finished_logs = entries_.size();
  f.finished_bytes = finished_bytes_;
  f.evictions = evictions_;
  return f;
}

} // namespace runcast::actors
