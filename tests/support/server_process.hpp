#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace runcast::test {

/// How to start a server_process.
struct server_options {
  /// Value of `--db` (`sqlite:/path/x.db`, `postgresql://…`).
  std::string db;
  /// Directory that receives the log file `<name>.log` (usually a temp_dir).
  std::filesystem::path log_dir;
  /// Arguments appended after `--db <db>` (`--node-id`, `--config`, …).
  std::vector<std::string> extra_args;
  /// Stem of the log file; give each server of a multi-node test its own.
  std::string name = "runcast";
  /// Variables added to (or replacing those of) the inherited environment.
  std::vector<std::pair<std::string, std::string>> env;
  /// How long to wait for the `listening on 127.0.0.1:PORT` line.
  std::chrono::milliseconds startup_timeout{15000};
};

/// The `runcast` executable (path from $RUNCAST_BIN) running as a child process:
/// `serve --host 127.0.0.1 --port 0 --db <db> <extra args…>`. Its stdout and stderr go
/// through one pipe into `<log_dir>/<name>.log` and into memory, so a failing test can
/// print them. Every wait is bounded; the destructor SIGKILLs a server still running.
///
/// The child dies with the thread that created it (PR_SET_PDEATHSIG), so a crashed test
/// leaves no server behind: create server_process objects on the test's main thread, or on a
/// thread that outlives them.
class server_process {
public:
  // -- construction ---------------------------------------------------------------------------

  /// Starts the server and waits for its listening line. Throws std::runtime_error (with the
  /// captured log in the message) when $RUNCAST_BIN is unset, when the server exits first or
  /// when the line does not come within `startup_timeout` (the child is killed then).
  explicit server_process(server_options options);

  /// Shorthand for `server_process{server_options{db, log_dir, extra_args}}`.
  server_process(std::string db, std::filesystem::path log_dir,
                 std::vector<std::string> extra_args = {});

  /// SIGKILLs the server (its whole process group) if it is still running.
  ~server_process();

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  // -- properties -----------------------------------------------------------------------------

  /// The HTTP port from the `listening on 127.0.0.1:PORT` line.
  uint16_t port() const noexcept { return port_; }

  /// `http://127.0.0.1:PORT`.
  std::string base_url() const;

  /// The child's process id (also its process group id).
  pid_t pid() const noexcept { return pid_; }

  /// False once the child has exited (reaps it if it just did).
  bool running();

  /// The exit code once the child has been reaped: its exit status, or 128 + signal number
  /// when a signal killed it (the shell's convention).
  std::optional<int> exit_code() const noexcept { return exit_code_; }

  // -- control --------------------------------------------------------------------------------

  /// Graceful stop: SIGTERM, wait up to `timeout`, then SIGKILL the process group. Returns
  /// exit_code(). Calling it again (or after kill9) returns the recorded code.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// Simulated crash: SIGKILL to the whole process group, then reap. Returns exit_code().
  int kill9();

  // -- output ---------------------------------------------------------------------------------

  /// Everything this server wrote to stdout and stderr so far.
  std::string log() const;

  /// The log file (appended to, so a restart under the same name keeps earlier runs).
  const std::filesystem::path& log_path() const noexcept { return log_path_; }

  /// Waits until the output of this server contains `needle`; false after `timeout`.
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) const;

private:
  void start();
  void read_output();
  void scan_for_port();  // with mutex_ held
  bool reap(std::chrono::steady_clock::time_point deadline);
  void signal_group(int sig) noexcept;
  void stop_reader() noexcept;
  [[noreturn]] void fail_startup(const std::string& why);

  server_options options_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  int pipe_fd_ = -1;
  int log_fd_ = -1;
  uint16_t port_ = 0;
  std::optional<int> exit_code_;

  // The reader thread owns pipe_fd_ and log_fd_ while it runs; everything below is shared
  // with it and guarded by mutex_.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string output_;
  std::size_t scanned_ = 0;  // output_ before this offset holds no listening line
  uint16_t found_port_ = 0;
  bool output_closed_ = false;
  bool stop_reading_ = false;
  std::thread reader_;
};

} // namespace runcast::test
