#include "tests/support/temp_dir.hpp"

#include <fstream>

#include <catch2/catch.hpp>

using runcast::test::temp_dir;

TEST_CASE("temp_dir creates a fresh directory and removes it with its contents") {
  std::filesystem::path kept;
  {
    temp_dir a{"support-test"};
    temp_dir b{"support-test"};
    kept = a.path();
    CHECK(std::filesystem::is_directory(a.path()));
    CHECK(a.path() != b.path());
    CHECK(a.path().filename().string().rfind("support-test-", 0) == 0);
    std::filesystem::create_directories(a.path() / "sub");
    std::ofstream{a.file("sub/x.db")} << "data";
    CHECK(std::filesystem::exists(a.file("sub/x.db")));
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("a moved temp_dir is removed once, by its new owner") {
  std::filesystem::path kept;
  {
    temp_dir a;
    kept = a.path();
    temp_dir b{std::move(a)};
    CHECK(b.path() == kept);
    CHECK(a.path().empty());  // NOLINT(bugprone-use-after-move): documented state
    CHECK(std::filesystem::is_directory(kept));
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}
