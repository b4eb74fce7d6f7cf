#pragma once

#include "persistence/pg_connection.hpp"
#include "persistence/pg_settings.hpp"
#include "persistence/pg_watchdog.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runcast::persistence::detail {

/// Hands connections to one caller at a time, opens them lazily up to the pool size, drops
/// broken ones, and paces reconnects while the server is unreachable.
class pg_pool {
public:
  // -- constructors, destructors ---------------------------------------------------------

  /// A pool for `settings.conninfo`; opens nothing yet.
  pg_pool(pg_settings settings, pg_store_options options);

  pg_pool(const pg_pool&) = delete;
  pg_pool& operator=(const pg_pool&) = delete;

  // -- properties ------------------------------------------------------------------------

  /// The most connections this pool opens at once.
  size_t size() const noexcept;

  /// "pg store: <operation>: <message>", on one line and with any password masked.
  std::string describe(std::string_view operation, std::string_view message) const;

  // -- use -------------------------------------------------------------------------------

  /// Runs `body` with a connection of its own; every exception leaves as store_error.
  template <class F>
  auto run(std::string_view operation, F&& body) -> decltype(body(
    std::declval<pg_connection&>())) {
    lease held{*this, acquire(operation)};
    auto deadline = watchdog_.arm(held.connection().conn.sock(),
                                  std::chrono::milliseconds{settings_.statement_timeout_ms});
    try {
      return body(held.connection());
    } catch (const store_error&) {
      throw; // ours, already described
    } catch (const std::exception& e) {
      if (deadline.fired()) {
        held.discard();
        throw store_error(describe(operation, "no answer within the statement timeout ("
                                                + std::to_string(settings_.statement_timeout_ms)
                                                + " ms); the connection was cut"));
      }
      // The caller retries (the event log does, with backoff); a dead connection is
      // replaced on a later call, paced by the reconnect backoff.
      if (connection_lost(e, held.connection()))
        held.discard();
      throw store_error(describe(operation, e.what()));
    }
  }

private:
  // -- member types ----------------------------------------------------------------------

  using clock_type = std::chrono::steady_clock;

  /// One checked-out connection; goes back to the pool (or away, if broken) on every exit.
  class lease {
  public:
    lease(pg_pool& pool, std::unique_ptr<pg_connection> c);
    ~lease();
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;

    pg_connection& connection() {
      return *c_;
    }
    void discard() {
      keep_ = false;
    }

  private:
    pg_pool& pool_;
    std::unique_ptr<pg_connection> c_;
    bool keep_ = true;
  };

  // -- broken connections ----------------------------------------------------------------

  /// True if, after `e`, the connection must not be used again.
  static bool connection_lost(const std::exception& e, pg_connection& c);

  // -- checkout --------------------------------------------------------------------------

  std::unique_ptr<pg_connection> acquire(std::string_view operation);

  /// Opens a connection in a free slot; called with `lock` held, returns with it held.
  std::unique_ptr<pg_connection> connect(std::unique_lock<std::mutex>& lock,
                                         std::string_view operation);

  void release(std::unique_ptr<pg_connection> c, bool reusable);

  // -- member variables ------------------------------------------------------------------

  const pg_settings settings_;
  pg_watchdog watchdog_; ///< bounds every call by the statement timeout
  const pg_store_options options_;

  std::mutex mutex_;
  std::condition_variable cv_;
  // Most recently returned last: reusing the warmest connection lets the others stay idle.
  std::vector<std::unique_ptr<pg_connection>> idle_;
  // Connections idle, checked out or being opened; never more than the pool size.
  size_t open_ = 0;
  // Set by a failed connect, cleared by a successful one.
  bool unreachable_ = false;
  bool probing_ = false;
  clock_type::time_point next_connect_{};
  std::chrono::milliseconds reconnect_delay_;
  std::string last_error_;
};

} // namespace runcast::persistence::detail
