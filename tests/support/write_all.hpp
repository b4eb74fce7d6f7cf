#pragma once

#include <cerrno>
#include <cstddef>

#include <unistd.h>

namespace runcast::test {

// Writes all of `data`, retrying on EINTR and short writes; errors are ignored (the log file
// is a convenience, the in-memory copy is what tests read).
inline void write_all(int fd, const char* data, std::size_t size) noexcept {
  while (size > 0) {
    auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

} // namespace runcast::test
