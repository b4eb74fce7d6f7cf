#include "persistence/store.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using runcast::persistence::open_store;
using runcast::persistence::store_error;
using runcast::test::temp_dir;

namespace {

/// The store_error message open_store gives for `url`, or "" if it opened.
std::string error_of(const std::string& url) {
  try {
    open_store(url);
  } catch (const store_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

TEST_CASE("open_store opens sqlite:path and sqlite://path", "[persistence]") {
  temp_dir dir;
  const auto short_form = dir.path() / "short.db";
  const auto long_form = dir.path() / "long.db";
  const auto upper_case = dir.path() / "upper.db";

  auto a = open_store("sqlite:" + short_form.string());
  auto b = open_store("sqlite://" + long_form.string()); // sqlite:///tmp/… → /tmp/…
  auto c = open_store("SQLite:" + upper_case.string());  // schemes are case-insensitive
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(std::filesystem::exists(short_form));
  CHECK(std::filesystem::exists(long_form));
  CHECK(std::filesystem::exists(upper_case));
  CHECK(a->next_event_index("nothing") == 0);
}

TEST_CASE("open_store rejects URLs it cannot serve", "[persistence]") {
  auto unknown = error_of("mysql://admin:hunter2@db.example/runcast");
  CHECK_THAT(unknown, Catch::Contains("unsupported store URL 'mysql:")
                        && Catch::Contains("use sqlite:path or postgresql://"));
  // The rest of a URL may hold a password: messages never echo it.
  CHECK_THAT(unknown, !Catch::Contains("hunter2"));

  // Nothing listens on port 1: the PostgreSQL store fails to connect, and says so without
  // the password.
  auto postgres = error_of("postgresql://admin:hunter2@127.0.0.1:1/runcast");
  CHECK_THAT(postgres, Catch::Contains("pg store:"));
  CHECK_THAT(postgres, !Catch::Contains("hunter2"));

  CHECK_THAT(error_of("runcast.db"), Catch::Contains("unsupported store URL"));
  CHECK_THAT(error_of("sqlite:"), Catch::Contains("has no path"));
  CHECK_THAT(error_of("sqlite://"), Catch::Contains("has no path"));
  CHECK_THROWS_AS(open_store(""), store_error);
}
