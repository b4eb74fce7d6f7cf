#include "actors/log_budget.hpp"

namespace runcast::actors {

log_budget::log_budget(size_t max_unpersisted_bytes, size_t max_finished,
                       size_t max_finished_bytes, std::chrono::milliseconds retention)
  : max_unpersisted_(max_unpersisted_bytes),
    max_finished_(max_finished),
    max_finished_bytes_(max_finished_bytes),
    retention_(saturated(retention)) {
}

log_budget::clock_type::duration log_budget::saturated(std::chrono::milliseconds retention) {
  // milliseconds::max() (no expiry) does not fit the clock's nanoseconds.
  using duration = clock_type::duration;
  if (retention >= std::chrono::duration_cast<std::chrono::milliseconds>(duration::max()))
    return duration::max();
  return std::chrono::duration_cast<duration>(retention);
}

uint64_t log_budget::retain(size_t bytes, std::function<void()> evict,
                            clock_type::time_point now) {
  std::vector<std::function<void()>> victims;
  uint64_t key = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    key = next_key_++;
    auto position = order_.insert(order_.end(), key);
    auto age = by_age_.insert(by_age_.end(), key);
    entries_.emplace(key, entry{bytes, std::move(evict), position, age, now});
    finished_bytes_ += bytes;
    remove_expired(now, victims);
    while (!order_.empty()
           && (entries_.size() > max_finished_ || finished_bytes_ > max_finished_bytes_)) {
      remove(entries_.find(order_.front()), victims);
      ++evictions_;
    }
  }
  // Outside the lock: an eviction sends a message, which must not wait on our mutex.
  for (auto& v : victims)
    v();
  return key;
}

size_t log_budget::expire(clock_type::time_point now) {
  std::vector<std::function<void()>> victims;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    remove_expired(now, victims);
  }
  for (auto& v : victims)
    v();
  return victims.size();
}

void log_budget::remove_expired(clock_type::time_point now,
                                std::vector<std::function<void()>>& victims) {
  while (!by_age_.empty()) {
    auto i = entries_.find(by_age_.front());
    // `since + retention` could overflow with no expiry (duration::max()): compare the age.
    if (now - i->second.since < retention_)
      return;
    remove(i, victims);
  }
}

void log_budget::remove(std::unordered_map<uint64_t, entry>::iterator i,
                        std::vector<std::function<void()>>& victims) {
  victims.push_back(std::move(i->second.evict));
  forget(i);
}

void log_budget::forget(std::unordered_map<uint64_t, entry>::iterator i) {
  finished_bytes_ -= i->second.bytes;
  order_.erase(i->second.position);
  by_age_.erase(i->second.age);
  entries_.erase(i);
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
  if (i != entries_.end())
    forget(i);
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
