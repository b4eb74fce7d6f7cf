#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace bench {

/// Nanoseconds since the epoch: the stamp clients and payloads share (one machine).
inline int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// A published message of `bytes` bytes shaped like a runcast event's data:
/// {"event":"RunContent","content":"ts=<stamp>;xxx…"}; the stamp is now unless given (a
/// paced publisher stamps when a message was due, so that its lag counts).
inline std::string stamped_payload(size_t bytes, int64_t stamp_ns = 0) {
  std::string s = R"({"event":"RunContent","content":"ts=)"
                  + std::to_string(stamp_ns ? stamp_ns : wall_ns()) + ";";
  if (s.size() + 2 < bytes)
    s.resize(bytes - 2, 'x');
  return s + "\"}";
}

} // namespace bench
