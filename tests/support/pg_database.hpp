#pragma once

#include <string>

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

private:
  std::string name_;
  std::string url_;
};

} // namespace runcast::test
