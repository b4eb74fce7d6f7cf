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
/// {"event":"RunContent","content":"ts=<now>;xxx…"}.
inline std::string stamped_payload(size_t bytes) {
  std::string s = R"({"event":"RunContent","content":"ts=)" + std::to_string(wall_ns()) + ";";
  if (s.size() + 2 < bytes)
    s.resize(bytes - 2, 'x');
  return s + "\"}";
}

} // namespace bench
