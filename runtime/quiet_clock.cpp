#include "runtime/quiet_clock.hpp"

namespace runcast::runtime {

void quiet_clock::remember(caf::abstract_actor* self) {
  std::lock_guard<std::mutex> lock{mutex_};
  timed_.insert(self);
}

void quiet_clock::set_ordinary_timeout(time_point t, caf::abstract_actor* self,
                                       caf::atom_value type, uint64_t id) {
  remember(self);
  super::set_ordinary_timeout(t, self, type, id);
}

void quiet_clock::set_request_timeout(time_point t, caf::abstract_actor* self,
                                      caf::message_id id) {
  remember(self);
  super::set_request_timeout(t, self, id);
}

void quiet_clock::set_multi_timeout(time_point t, caf::abstract_actor* self,
                                    caf::atom_value type, uint64_t id) {
  remember(self);
  super::set_multi_timeout(t, self, type, id);
}

void quiet_clock::cancel_timeouts(caf::abstract_actor* self) {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    if (timed_.erase(self) == 0)
      return; // no timeout was ever set: nothing for the clock's thread to drop
    ++passed_;
  }
  passed_changed_.notify_all();
  super::cancel_timeouts(self);
}

size_t quiet_clock::actors_with_timeouts() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return timed_.size();
}

size_t quiet_clock::cancellations_passed() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return passed_;
}

bool quiet_clock::await_cancellations_passed(size_t n,
                                             std::chrono::milliseconds within) const {
  std::unique_lock<std::mutex> lock{mutex_};
  return passed_changed_.wait_for(lock, within, [&] { return passed_ >= n; });
}

} // namespace runcast::runtime
