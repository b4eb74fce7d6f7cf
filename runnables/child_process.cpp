#include "runnables/child_process.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace runcast::runnables {

namespace {

constexpr size_t read_chunk = 16 * 1024;

} // namespace

std::string process_exit::describe() const {
  if (signal != 0) {
    const char* name = ::sigabbrev_np(signal);
    return "killed by signal " + std::to_string(signal) +
           (name != nullptr ? std::string{" (SIG"} + name + ")" : std::string{});
  }
  if (status < 0)
    return "exit status unknown";
  return "exit status " + std::to_string(status);
}

std::shared_ptr<child_process> child_process::start(executor_type strand,
                                                    const process_options& opts,
                                                    std::string stdin_bytes,
                                                    line_handler on_line, exit_handler on_exit) {
  auto p = spawn_process(opts);
  std::shared_ptr<child_process> self;
  try {
    self.reset(new child_process(std::move(strand), p, opts, std::move(stdin_bytes),
                                 std::move(on_line), std::move(on_exit)));
  } catch (...) {
    // Could not register the descriptors: nothing would ever watch this process.
    ::kill(-p.pid, SIGKILL);
    ::waitpid(p.pid, nullptr, 0);
    throw;
  }
  boost::asio::post(self->strand_, [self] { self->run(); });
  return self;
}

child_process::child_process(executor_type strand, const spawned_process& p,
                             const process_options& opts, std::string stdin_bytes,
                             line_handler on_line, exit_handler on_exit)
  : strand_(std::move(strand)), pid_(p.pid), pidfd_(strand_, p.pidfd),
    in_(strand_, p.stdin_fd), out_(strand_, p.stdout_fd), err_(strand_, p.stderr_fd),
    kill_timer_(strand_), drain_timer_(strand_),
    max_line_(std::max<size_t>(1, opts.max_line_bytes)),
    tail_bytes_(opts.stderr_tail_bytes), stdin_bytes_(std::move(stdin_bytes)),
    out_buf_(read_chunk), err_buf_(std::max<size_t>(1, std::min(read_chunk, tail_bytes_))),
    on_line_(std::move(on_line)), on_exit_(std::move(on_exit)) {
}

child_process::~child_process() {
  if (!reaped_) {
    // Only reached when the io_context dies with the process still watched (shutdown): the
    // group must not outlive the server. SIGKILL cannot be ignored, so the wait is short.
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void child_process::pause() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->paused_ = true; });
}

void child_process::resume() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    if (self->finished_ || !self->paused_)
      return;
    self->paused_ = false;
    if (!self->reading_out_)
      self->deliver();
  });
}

void child_process::terminate(std::chrono::milliseconds grace) {
  boost::asio::post(strand_, [self = shared_from_this(), grace] {
    if (self->reaped_)
      return; // its group is gone already (killed when it exited)
    if (grace.count() <= 0) {
      self->kill_group(SIGKILL);
      return;
    }
    if (self->term_sent_)
      return; // a second terminate (a cancel after the timeout) keeps the first deadline
    self->term_sent_ = true;
    self->kill_group(SIGTERM);
    self->kill_timer_.expires_after(grace);
    self->kill_timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec && !self->reaped_)
        self->kill_group(SIGKILL);
    });
  });
}

void child_process::run() {
  write_stdin();
  read_stdout();
  read_stderr();
  wait_exit();
}

void child_process::write_stdin() {
  if (stdin_bytes_.empty()) {
    boost::system::error_code ignored;
    in_.close(ignored);
    return;
  }
  boost::asio::async_write(in_, boost::asio::buffer(stdin_bytes_),
                           [self = shared_from_this()](const boost::system::error_code&, size_t) {
                             // Written or not (a process that exits without reading gives
                             // EPIPE), stdin is closed so a reader sees EOF.
                             boost::system::error_code ignored;
                             self->in_.close(ignored);
                             self->stdin_bytes_ = {};
                           });
}

void child_process::read_stdout() {
  reading_out_ = true;
  out_.async_read_some(boost::asio::buffer(out_buf_),
                       [self = shared_from_this()](const boost::system::error_code& ec,
                                                   size_t n) { self->on_stdout(ec, n); });
}

void child_process::on_stdout(const boost::system::error_code& ec, size_t n) {
  reading_out_ = false;
  if (!ec) {
    split(out_buf_.data(), n);
  } else {
    // EOF, or abandoned by the drain timer: what is left of the last line is a line too.
    out_eof_ = true;
    if (!partial_.empty())
      ready_.push_back(std::exchange(partial_, {}));
  }
  deliver();
}

void child_process::split(const char* data, size_t n) {
  const char* p = data;
  const char* end = data + n;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* stop = nl != nullptr ? nl + 1 : end;
    while (p < stop) {
      auto take = std::min(max_line_ - partial_.size(), static_cast<size_t>(stop - p));
      partial_.append(p, take);
      p += take;
      if (partial_.size() == max_line_ || (nl != nullptr && p == stop))
        ready_.push_back(std::exchange(partial_, {}));
    }
  }
}

void child_process::deliver() {
  while (!ready_.empty() && !paused_ && !finished_) {
    if (!on_line_(ready_.front())) {
      paused_ = true;
      return;
    }
    ready_.pop_front();
  }
  if (!ready_.empty() || finished_)
    return;
  // Read again only once everything read was taken: a consumer that cannot keep up holds
  // one read's worth here, and the rest waits in the pipe (the process blocks writing).
  if (out_eof_)
    maybe_finish();
  else if (!paused_)
    read_stdout();
}

void child_process::read_stderr() {
  err_.async_read_some(boost::asio::buffer(err_buf_), [self = shared_from_this()](
                                                        const boost::system::error_code& ec,
                                                        size_t n) {
    if (ec) {
      self->err_eof_ = true;
      self->maybe_finish();
      return;
    }
    auto& tail = self->err_tail_;
    tail.append(self->err_buf_.data(), n);
    if (tail.size() > self->tail_bytes_)
      tail.erase(0, tail.size() - self->tail_bytes_);
    self->read_stderr();
  });
}

void child_process::wait_exit() {
  pidfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [self = shared_from_this()](const boost::system::error_code& ec) {
                      if (ec == boost::asio::error::operation_aborted)
                        return;
                      self->on_exit_ready();
                    });
}

void child_process::on_exit_ready() {
  siginfo_t info{};
  // WNOWAIT: look, but leave the zombie, so that the group id stays ours while we kill
  // what is left of the group.
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0) {
    if (info.si_pid == 0) {
      wait_exit(); // woken without an exit; wait again
      return;
    }
    ::kill(-pid_, SIGKILL);
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      if (WIFSIGNALED(status))
        exit_.signal = WTERMSIG(status);
      else if (WIFEXITED(status))
        exit_.status = WEXITSTATUS(status);
    }
  } // else ECHILD: reaped behind our back (SIGCHLD ignored); the status stays unknown
  reaped_ = true;
  kill_timer_.cancel();
  boost::system::error_code ignored;
  pidfd_.close(ignored);
  arm_drain();
  maybe_finish();
}

void child_process::kill_group(int sig) {
  // The leader is not reaped yet (callers check reaped_), so the group id is still ours.
  ::kill(-pid_, sig);
}

void child_process::arm_drain() {
  drain_timer_.expires_after(drain_timeout);
  drain_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->finished_)
      return;
    if (self->paused_) {
      self->arm_drain(); // the consumer holds us up, not the pipes
      return;
    }
    // Someone outside the group still holds the pipes open: stop waiting for their EOF.
    boost::system::error_code ignored;
    self->out_.cancel(ignored);
    self->err_.cancel(ignored);
  });
}

void child_process::maybe_finish() {
  if (finished_ || !reaped_ || !out_eof_ || !err_eof_ || !ready_.empty() || reading_out_)
    return;
  finished_ = true;
  drain_timer_.cancel();
  kill_timer_.cancel();
  boost::system::error_code ignored;
  in_.close(ignored);
  out_.close(ignored);
  err_.close(ignored);
  exit_.stderr_tail = std::exchange(err_tail_, {});
  auto on_exit = std::move(on_exit_);
  // The handlers may hold this object; dropping them breaks that cycle.
  on_exit_ = nullptr;
  on_line_ = nullptr;
  on_exit(std::move(exit_));
}

} // namespace runcast::runnables
