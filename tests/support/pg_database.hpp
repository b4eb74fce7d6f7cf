#pragma once

#include <string>
#include <vector>

namespace runcast::test {

/// A fresh, empty PostgreSQL database on the test server ($RUNCAST_TEST_PG_URL, which
/// scripts/test exports after starting a throwaway server), dropped on destruction.
class pg_database {
public:
  /// Creates `runcast_test_<random>`. Throws std::runtime_error if RUNCAST_TEST_PG_URL is
  /// unset (run the suite through scripts/test) or the server refuses.
  pg_database();

  /// Drops the database (WITH (FORCE): servers under test may still hold connections).
  ~pg_database();

  pg_database(const pg_database&) = delete;
  pg_database& operator=(const pg_database&) = delete;

  /// `postgresql://…/runcast_test_<random>`, for `--db`.
  const std::string& url() const {
    return url_;
  }

  /// The admin URL of the test server.
  static std::string server_url();

  /// Stops the test server (pg_ctl -m fast; as the postgres user when we are root), using
  /// RUNCAST_TEST_PG_CTL and RUNCAST_TEST_PG_DATA. Throws std::runtime_error on failure.
  /// Tests that do this must run alone (CTest RUN_SERIAL): every other test shares the server.
  static void stop_server();

  /// Starts it again and waits until it accepts connections (bounded).
  static void start_server();

  /// SIGSTOPs the test server's postmaster and every process it forked, as a hung server or
  /// a frozen VM: its kernel still accepts connections and acknowledges packets, but nothing
  /// answers. Returns the stopped pids for thaw_server. RUN_SERIAL, like stop_server.
  static std::vector<int> freeze_server();

  /// SIGCONTs what freeze_server stopped.
  static void thaw_server(const std::vector<int>& pids);

private:
  std::string name_;
  std::string url_;
};

} // namespace runcast::test
