#include "persistence/pg_watchdog.hpp"

#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <sys/socket.h>

namespace runcast::persistence::detail {

pg_watchdog::pg_watchdog() : thread_([this] {
  name_this_thread("rc-pg-watchdog");
  loop();
}) {
}

pg_watchdog::~pg_watchdog() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool pg_watchdog::guard::fired() const {
  return dog_.fired(id_);
}

pg_watchdog::guard pg_watchdog::arm(int fd, std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto id = next_id_++;
  calls_.emplace(id, watched{fd, clock_type::now() + timeout});
  wake_.notify_all(); // its deadline may come before the one the thread sleeps until
  return guard{*this, id};
}

void pg_watchdog::disarm(uint64_t id) {
  std::lock_guard<std::mutex> lock{mutex_};
  calls_.erase(id);
}

bool pg_watchdog::fired(uint64_t id) const {
  std::lock_guard<std::mutex> lock{mutex_};
  auto i = calls_.find(id);
  return i != calls_.end() && i->second.fired;
}

void pg_watchdog::loop() {
  std::unique_lock<std::mutex> lock{mutex_};
  while (!stopping_) {
    auto next = clock_type::time_point::max();
    auto now = clock_type::now();
    for (auto& [id, call] : calls_) {
      if (call.fired)
        continue;
      if (call.deadline <= now) {
        // Under the lock: the call cannot have ended and closed its socket meanwhile.
        call.fired = true;
        ::shutdown(call.fd, SHUT_RDWR);
        spdlog::warn("pg store: a call passed its statement timeout; its connection is cut");
      } else {
        next = std::min(next, call.deadline);
      }
    }
    if (next == clock_type::time_point::max())
      wake_.wait(lock);
    else
      wake_.wait_until(lock, next);
  }
}

} // namespace runcast::persistence::detail
