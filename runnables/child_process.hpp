#pragma once

#include "runnables/process_spawn.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runcast::runnables {

/// How a child process ended.
struct process_exit {
  int status = -1;         ///< its exit status, when `signal` is 0 (-1: unknown)
  int signal = 0;          ///< the signal that ended it, or 0
  std::string stderr_tail; ///< the last bytes it wrote to stderr (bounded)

  /// Exited with status 0.
  bool success() const {
    return signal == 0 && status == 0;
  }

  /// "exit status N" or "killed by signal S (SIGNAME)".
  std::string describe() const;
};

/// A running child process (process_spawn.hpp) supervised on an io_context without a thread
/// of its own: its stdin is written and closed, its stdout delivered as lines, the tail of
/// its stderr kept, its exit noticed through a pidfd. Everything runs on one strand of the
/// io_context, so handlers never run concurrently; the public members are thread-safe.
///
/// When the process (the group leader) exits, whatever is left of its group is killed: a
/// command's background jobs do not outlive it. Its end is reported once stdout and stderr
/// are drained too. Destroying it kills the group (SIGKILL) if it still runs.
class child_process : public std::enable_shared_from_this<child_process> {
public:
  // -- member types ------------------------------------------------------------------------

  /// The strand every handler runs on; consumers put their own timers on it.
  using executor_type = boost::asio::strand<boost::asio::io_context::executor_type>;

  /// Gets each piece of stdout: a line with its '\n', a last line without one (at EOF), or
  /// a piece of a line longer than `max_line_bytes`. Returning false leaves the piece
  /// undelivered and pauses reading; resume() offers it again. Runs on the strand.
  using line_handler = std::function<bool(const std::string& text)>;

  /// Gets the end, once, after every piece of stdout was taken. Runs on the strand.
  using exit_handler = std::function<void(process_exit)>;

  /// How long stdout and stderr may stay open after the process exits before they are
  /// abandoned (a process that left the group still holds them).
  static constexpr std::chrono::milliseconds drain_timeout{2000};

  // -- construction ------------------------------------------------------------------------

  /// Starts `opts.argv`, writes `stdin_bytes` to it and closes its stdin; every handler
  /// runs on `strand` (give the consumer's own timers the same one, and call start from
  /// within it so nothing runs before the consumer has stored the pointer). Throws
  /// std::runtime_error naming argv[0] if it cannot start. The handlers are dropped after
  /// `on_exit` ran, so they may hold the returned pointer.
  static std::shared_ptr<child_process> start(executor_type strand,
                                              const process_options& opts,
                                              std::string stdin_bytes, line_handler on_line,
                                              exit_handler on_exit);

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Kills the group (SIGKILL) and reaps the process if it was not reaped yet.
  ~child_process();

  // -- control -----------------------------------------------------------------------------

  /// The strand the handlers run on.
  executor_type executor() const {
    return strand_;
  }

  /// The process id, which is also its process group id.
  pid_t pid() const {
    return pid_;
  }

  /// Stops delivering stdout (the pipe fills and the process blocks writing).
  void pause();

  /// Delivers stdout again, starting with a piece that was refused.
  void resume();

  /// SIGTERM to the process group, SIGKILL to it after `grace` if the process still runs
  /// (zero: SIGKILL at once). Timeouts and cancels use it; a later call does not move the
  /// first one's deadline. Nothing once the process has exited (its group was killed then).
  void terminate(std::chrono::milliseconds grace);

private:
  child_process(executor_type strand, const spawned_process& p,
                const process_options& opts, std::string stdin_bytes, line_handler on_line,
                exit_handler on_exit);

  // -- on the strand -----------------------------------------------------------------------

  void run();
  void write_stdin();
  void read_stdout();
  void on_stdout(const boost::system::error_code& ec, size_t n);
  void split(const char* data, size_t n);
  void deliver();
  void read_stderr();
  void wait_exit();
  void on_exit_ready();
  void kill_group(int sig);
  void arm_drain();
  void maybe_finish();

  // -- state -------------------------------------------------------------------------------

  executor_type strand_;
  pid_t pid_;
  boost::asio::posix::stream_descriptor pidfd_;
  boost::asio::posix::stream_descriptor in_;
  boost::asio::posix::stream_descriptor out_;
  boost::asio::posix::stream_descriptor err_;
  boost::asio::steady_timer kill_timer_;
  boost::asio::steady_timer drain_timer_;
  size_t max_line_;
  size_t tail_bytes_;
  std::string stdin_bytes_;
  std::vector<char> out_buf_;
  std::vector<char> err_buf_;
  std::string partial_;           ///< the current line, up to max_line_ bytes
  std::deque<std::string> ready_; ///< pieces read, not delivered; at most one read's worth
  std::string err_tail_;
  line_handler on_line_;
  exit_handler on_exit_;
  process_exit exit_;
  bool paused_ = false;
  bool reading_out_ = false;
  bool out_eof_ = false;
  bool err_eof_ = false;
  bool reaped_ = false;
  bool term_sent_ = false;
  bool finished_ = false;
};

} // namespace runcast::runnables
