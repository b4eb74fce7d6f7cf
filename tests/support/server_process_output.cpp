// server_process: what the child prints — kept in memory, copied to its log file, scanned
// for the port it bound. (server_process.cpp starts, stops and reaps the child.)

#include "tests/support/server_process.hpp"

#include "tests/support/write_all.hpp"

#include <cerrno>

#include <poll.h>
#include <unistd.h>

namespace runcast::test {

namespace {

constexpr std::string_view listening_marker = "listening on 127.0.0.1:";

// How long the reader waits for end-of-file once the child is gone before giving up on it
// rather than hang the test.
constexpr std::chrono::seconds drain_grace{2};

} // namespace

// -- output -----------------------------------------------------------------------------------

std::string server_process::log() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return output_;
}

bool server_process::wait_for_log(std::string_view needle,
                                  std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock{mutex_};
  bool found = false;
  changed_.wait_for(lock, timeout, [&] {
    found = output_.find(needle) != std::string::npos;
    return found || output_closed_;
  });
  return found;
}

void server_process::read_output() {
  char buf[4096];
  for (;;) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      if (stop_reading_) {
        output_closed_ = true;
        changed_.notify_all();
        return;
      }
    }
    // A bounded poll, so stop_reader() is obeyed even if a stray grandchild keeps the
    // pipe's write end open forever.
    pollfd p{pipe_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, 50);
    if (r == 0 || (r < 0 && errno == EINTR))
      continue;
    ssize_t n = r > 0 ? ::read(pipe_fd_, buf, sizeof buf) : -1;
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    std::lock_guard<std::mutex> guard{mutex_};
    if (n <= 0) {
      output_closed_ = true;
      changed_.notify_all();
      return;
    }
    write_all(log_fd_, buf, static_cast<std::size_t>(n));
    output_.append(buf, static_cast<std::size_t>(n));
    scan_for_port();
    changed_.notify_all();
  }
}

void server_process::scan_for_port() {
  // Only complete lines: a port number cut in half by a pipe read must not be taken.
  auto end = output_.rfind('\n');
  if (end == std::string::npos || end < scanned_)
    return;
  while (found_port_ == 0) {
    auto at = output_.find(listening_marker, scanned_);
    if (at == std::string::npos || at > end)
      break;
    auto pos = at + listening_marker.size();
    unsigned long value = 0;
    std::size_t digits = 0;
    while (pos < end && digits < 6 && output_[pos] >= '0' && output_[pos] <= '9') {
      value = value * 10 + static_cast<unsigned long>(output_[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits > 0 && value > 0 && value <= 65535)
      found_port_ = static_cast<uint16_t>(value);
    scanned_ = pos;
  }
  scanned_ = end + 1;
}

void server_process::stop_reader() noexcept {
  if (!reader_.joinable())
    return;
  {
    // The child is gone by now; give the pipe a moment to deliver its last bytes and EOF.
    std::unique_lock<std::mutex> lock{mutex_};
    changed_.wait_for(lock, drain_grace, [this] { return output_closed_; });
    stop_reading_ = true;
  }
  reader_.join();
}

} // namespace runcast::test
