#include "core/ids.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <system_error>

namespace runcast {

namespace {

/// Random bytes from the kernel's CSPRNG (ids are capabilities: a client that knows a run's
/// and its session's ids may read it), drawn 512 at a time per thread so that an id costs no
/// system call.
void random_bytes(unsigned char* out, size_t n) {
  thread_local unsigned char pool[512];
  thread_local size_t left = 0;
  while (n > 0) {
    if (left == 0) {
      size_t got = 0;
      while (got < sizeof pool) {
        auto r = getrandom(pool + got, sizeof pool - got, 0);
        if (r < 0 && errno != EINTR)
          throw std::system_error(errno, std::generic_category(), "getrandom");
        if (r > 0)
          got += static_cast<size_t>(r);
      }
      left = sizeof pool;
    }
    auto take = std::min(n, left);
    std::memcpy(out, pool + sizeof pool - left, take);
    // What was handed out is not kept around.
    std::memset(pool + sizeof pool - left, 0, take);
    left -= take;
    out += take;
    n -= take;
  }
}

} // namespace

std::string make_uuid() {
  // Version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made one
  // after the other sort together, so a store inserts them at the right edge of its B-trees
  // (runs, sessions, events by run id) instead of dirtying a random page per start.
  auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  unsigned char b[16];
  b[0] = static_cast<unsigned char>(ms >> 40);
  b[1] = static_cast<unsigned char>(ms >> 32);
  b[2] = static_cast<unsigned char>(ms >> 24);
  b[3] = static_cast<unsigned char>(ms >> 16);
  b[4] = static_cast<unsigned char>(ms >> 8);
  b[5] = static_cast<unsigned char>(ms);
  random_bytes(b + 6, 10);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70); // version 7
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80); // RFC 9562 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 0x0f]);
  }
  return out;
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok)
      return false;
  }
  return true;
}

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

} // namespace runcast
