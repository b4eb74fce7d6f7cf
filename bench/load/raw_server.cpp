#include "bench/load/raw_server.hpp"

#include "bench/load/payload.hpp"
#include "bench/load/socket_util.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace bench {

raw_server::raw_server(int64_t frames, size_t bytes) : frames_(frames), bytes_(bytes) {
  listener_ = listen_loopback(port_);
  if (listener_ < 0)
    throw std::runtime_error("raw server: cannot listen");
  thread_ = std::thread{[this] { serve(); }};
}

raw_server::~raw_server() {
  ::shutdown(listener_, SHUT_RDWR);
  thread_.join();
  ::close(listener_);
}

void raw_server::serve() {
  int fd = ::accept(listener_, nullptr, nullptr);
  if (fd < 0)
    return;
  // Read the request first: closing a socket with unread input resets the connection, and
  // the client would lose the frames still in its buffer.
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
      ::close(fd);
      return;
    }
    request.append(buf, static_cast<size_t>(n));
  }
  // One frame as runcast sends it (id, event, data), `bytes_` long in all.
  std::string head = "id: 1000000\nevent: RunContent\ndata: ";
  auto data = stamped_payload(bytes_ > head.size() + 34 ? bytes_ - head.size() - 2 : 32);
  auto frame = head + data + "\n\n";
  std::string block;
  constexpr size_t block_bytes = 256 * 1024;
  auto per_block = static_cast<int64_t>(block_bytes / frame.size());
  for (int64_t i = 0; i < per_block; ++i)
    block += frame;
  write_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
  for (int64_t left = frames_; left > 0; left -= per_block) {
    if (left < per_block)
      block.resize(static_cast<size_t>(left) * frame.size());
    if (!write_all(fd, block))
      break;
  }
  ::close(fd);
}

} // namespace bench
