#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace runcast::persistence::detail {

/// The client side of the statement timeout. PostgreSQL's own `statement_timeout` ends a
/// slow statement, but a server that does not run at all (SIGSTOP, a frozen VM) never sends
/// that error, and its kernel still acknowledges every packet, so neither TCP keepalives nor
/// `tcp_user_timeout` notice. A call armed here whose deadline passes gets its socket shut
/// down: libpq's blocked read returns, the call fails (the connection is dropped) and the
/// caller retries, in bounded time. One thread per pool, asleep while nothing is due.
class pg_watchdog {
public:
  pg_watchdog();
  ~pg_watchdog();

  pg_watchdog(const pg_watchdog&) = delete;
  pg_watchdog& operator=(const pg_watchdog&) = delete;

  /// Watches socket `fd` until the guard goes; past `timeout` it is shut down.
  class guard {
  public:
    guard(pg_watchdog& dog, uint64_t id) : dog_(dog), id_(id) {
    }
    ~guard() {
      dog_.disarm(id_);
    }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;

    /// True if the deadline passed and the socket was shut down.
    bool fired() const;

  private:
    pg_watchdog& dog_;
    uint64_t id_;
  };

  /// Arms a deadline for the call using `fd`. The caller keeps `fd` open while the guard
  /// lives (the watchdog shuts it down, never closes it).
  guard arm(int fd, std::chrono::milliseconds timeout);

private:
  using clock_type = std::chrono::steady_clock;
  struct watched {
    int fd;
    clock_type::time_point deadline;
    bool fired = false;
  };

  void disarm(uint64_t id);
  bool fired(uint64_t id) const;
  void loop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<uint64_t, watched> calls_;
  uint64_t next_id_ = 0;
  bool stopping_ = false;
  std::thread thread_; ///< last: started once the rest is ready
};

} // namespace runcast::persistence::detail
