#include "tests/support/server_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "tests/support/temp_dir.hpp"

// These tests run server_process against a shell script standing in for runcast, so the
// process handling is proven before (and independently of) the real server.

namespace {

using namespace std::chrono_literals;
using runcast::test::server_options;
using runcast::test::server_process;
using runcast::test::temp_dir;

/// Points RUNCAST_BIN somewhere else for one test, then restores it.
class scoped_runcast_bin {
public:
  explicit scoped_runcast_bin(const char* value) {
    if (const char* old = std::getenv("RUNCAST_BIN"))
      old_ = old;
    if (value != nullptr)
      ::setenv("RUNCAST_BIN", value, 1);
    else
      ::unsetenv("RUNCAST_BIN");
  }

  ~scoped_runcast_bin() {
    if (old_)
      ::setenv("RUNCAST_BIN", old_->c_str(), 1);
    else
      ::unsetenv("RUNCAST_BIN");
  }

  scoped_runcast_bin(const scoped_runcast_bin&) = delete;
  scoped_runcast_bin& operator=(const scoped_runcast_bin&) = delete;

private:
  std::optional<std::string> old_;
};

// FAKE_MODE picks a misbehaviour; the default behaves like runcast (a spdlog-style line,
// graceful exit on SIGTERM).
constexpr const char* fake_server = R"(#!/bin/sh
echo "args: $*"
case "$FAKE_MODE" in
  exit_early) echo "boom: cannot open the database" >&2; exit 3 ;;
  silent) while :; do sleep 0.02; done ;;
  ignore_term) trap '' TERM ;;
  grandchild) sleep 30 & trap 'echo "got TERM"; exit 0' TERM ;;
  *) trap 'echo "got TERM"; exit 0' TERM ;;
esac
echo "[2024-05-01 12:00:00.000] [info] cluster port 4100" >&2
echo "[2024-05-01 12:00:00.001] [info] listening on 127.0.0.1:4242" >&2
while :; do sleep 0.02; done
)";

std::string write_fake_server(const temp_dir& dir) {
  auto path = dir.file("fake-runcast.sh");
  std::ofstream{path} << fake_server;
  ::chmod(path.c_str(), 0755);
  return path.string();
}

server_options fake_options(const temp_dir& dir, std::string mode = "") {
  server_options opts;
  opts.db = "sqlite:" + dir.file("x.db").string();
  opts.log_dir = dir.path();
  opts.env = {{"FAKE_MODE", std::move(mode)}};
  return opts;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

auto elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::steady_clock::now() - start;
}

} // namespace

TEST_CASE("server_process passes the contract's arguments, finds the port and stops on SIGTERM") {
  temp_dir dir;
  scoped_runcast_bin bin{write_fake_server(dir).c_str()};
  auto opts = fake_options(dir);
  opts.extra_args = {"--node-id", "n1"};
  server_process server{opts};

  CHECK(server.port() == 4242);
  CHECK(server.base_url() == "http://127.0.0.1:4242");
  CHECK(server.running());
  CHECK(server.wait_for_log("args: serve --host 127.0.0.1 --port 0 --db " + opts.db
                            + " --node-id n1", 2s));
  CHECK(server.stop(5s) == 0);
  CHECK_FALSE(server.running());
  CHECK(server.exit_code() == std::optional<int>{0});
  CHECK(server.log().find("got TERM") != std::string::npos);
  CHECK(server.log_path() == dir.file("runcast.log"));
  CHECK(read_file(server.log_path()).find("listening on 127.0.0.1:4242") != std::string::npos);
  CHECK(server.stop() == 0);  // a second stop only reports
}

TEST_CASE("server_process::stop escalates to SIGKILL when SIGTERM is ignored") {
  temp_dir dir;
  scoped_runcast_bin bin{write_fake_server(dir).c_str()};
  server_process server{fake_options(dir, "ignore_term")};
  auto start = std::chrono::steady_clock::now();
  CHECK(server.stop(200ms) == 128 + SIGKILL);
  CHECK(elapsed_since(start) < 3s);
}

TEST_CASE("server_process::kill9 kills at once, and what the server spawned") {
  temp_dir dir;
  scoped_runcast_bin bin{write_fake_server(dir).c_str()};
  server_process server{fake_options(dir, "grandchild")};
  auto start = std::chrono::steady_clock::now();
  CHECK(server.kill9() == 128 + SIGKILL);
  // The grandchild holds the output pipe: had it survived, the reader would have waited.
  CHECK(elapsed_since(start) < 1500ms);
}

TEST_CASE("server_process::stop does not wait for a straggler holding the pipe") {
  temp_dir dir;
  scoped_runcast_bin bin{write_fake_server(dir).c_str()};
  server_process server{fake_options(dir, "grandchild")};
  auto start = std::chrono::steady_clock::now();
  CHECK(server.stop(5s) == 0);
  CHECK(elapsed_since(start) < 1500ms);
}

TEST_CASE("server_process fails fast, with the log, when the server exits before listening") {
  temp_dir dir;
  scoped_runcast_bin bin{write_fake_server(dir).c_str()};
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(server_process{fake_options(dir, "exit_early")},
                    Catch::Contains("exited with code 3")
                      && Catch::Contains("boom: cannot open the database"));
  CHECK(elapsed_since(start) < 5s);
}

TEST_CASE("server_process gives up when the listening line never comes") {
  temp_dir dir;
  scoped_runcast_bin bin{write_fake_server(dir).c_str()};
  auto opts = fake_options(dir, "silent");
  opts.startup_timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(server_process{opts}, Catch::Contains("did not log"));
  CHECK(elapsed_since(start) < 3s);
}

TEST_CASE("server_process needs RUNCAST_BIN") {
  temp_dir dir;
  scoped_runcast_bin bin{nullptr};
  CHECK_THROWS_WITH(server_process("sqlite:x.db", dir.path()), Catch::Contains("RUNCAST_BIN"));
}

TEST_CASE("server_process's destructor kills a server still running") {
  temp_dir dir;
  scoped_runcast_bin bin{write_fake_server(dir).c_str()};
  pid_t pid = -1;
  {
    server_process server{fake_options(dir, "ignore_term")};
    pid = server.pid();
    REQUIRE(::kill(pid, 0) == 0);
  }
  // Killed and reaped: the pid no longer names a process of ours.
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
}
