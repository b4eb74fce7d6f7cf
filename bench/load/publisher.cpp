#include "bench/load/publisher.hpp"

#include "bench/load/payload.hpp"
#include "bench/load/socket_util.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace bench {

publisher::publisher(const load_options& o, int part, int parts)
  : o_(o), part_(part), parts_(parts) {
}

int publisher::take_response() {
  auto end = in_.find("\r\n\r\n");
  if (end == std::string::npos)
    return 0;
  if (in_.compare(0, 5, "HTTP/") != 0)
    return -1;
  int status = std::atoi(in_.c_str() + in_.find(' ') + 1);
  size_t length = 0;
  auto cl = in_.find("Content-Length: ");
  if (cl == std::string::npos || cl > end)
    cl = in_.find("content-length: ");
  if (cl != std::string::npos && cl < end)
    length = std::strtoul(in_.c_str() + cl + 16, nullptr, 10);
  if (in_.size() < end + 4 + length)
    return 0;
  in_.erase(0, end + 4 + length);
  return status;
}

std::string publisher::run() {
  fd_ = connect_blocking(o_.host, o_.port);
  if (fd_ < 0)
    return "publisher: cannot connect";
  auto start = std::chrono::steady_clock::now();
  auto start_wall = wall_ns();
  int64_t sent = 0;
  int64_t answered = 0;
  const int64_t mine = (o_.messages - part_ + parts_ - 1) / parts_;
  auto number = [&](int64_t n) { return part_ + n * parts_; }; // the n-th of mine, overall
  char buf[64 * 1024];
  std::string error;
  while (answered < mine) {
    std::string out;
    while (sent < mine && sent - answered < o_.pipeline) {
      if (o_.rate > 0) {
        auto at = start + std::chrono::nanoseconds{number(sent) * 1'000'000'000 / o_.rate};
        if (at > std::chrono::steady_clock::now()) {
          if (sent > answered)
            break; // read what is due first
          std::this_thread::sleep_until(at);
        }
      }
      auto path = o_.publish_path;
      if (auto at = path.find("{i}"); at != std::string::npos)
        path.replace(at, 3, std::to_string(number(sent) % o_.channels));
      auto body = stamped_payload(
        o_.bytes, o_.rate > 0 ? start_wall + number(sent) * 1'000'000'000 / o_.rate : 0);
      out += "POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Type: text/plain\r\n"
             + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      ++sent;
    }
    if (!out.empty() && !write_all(fd_, out))
      return "publisher: write failed";
    if (answered == sent)
      continue;
    auto n = ::read(fd_, buf, sizeof buf);
    if (n <= 0)
      return "publisher: the server closed the connection";
    in_.append(buf, static_cast<size_t>(n));
    for (int status; (status = take_response()) != 0;) {
      if (status < 0 || status >= 300)
        return "publisher: status " + std::to_string(status);
      ++answered;
      published_.store(answered);
    }
  }
  ::close(fd_);
  return {};
}

} // namespace bench
