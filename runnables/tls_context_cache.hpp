#pragma once

#include "runnables/beast.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace runcast::runnables {

/// TLS client contexts by CA file, built once and shared by every run that needs them:
/// loading the system's CA bundle takes milliseconds of disk and parsing, which a run must
/// not spend on an Asio thread each time. A context verifies peers against the system CAs
/// (an empty CA file) or the given file only.
class tls_context_cache {
public:
  /// Most distinct CA files kept; past it contexts are built per call (still correct).
  static constexpr size_t max_entries = 16;

  /// A fresh client context for `ca_file` (empty: the system CAs). Throws
  /// std::invalid_argument naming the file if it cannot be loaded.
  static std::shared_ptr<ssl::context> make(const std::string& ca_file);

  /// The shared context for `ca_file`, built on first use. Thread-safe.
  std::shared_ptr<ssl::context> get(const std::string& ca_file);

private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ssl::context>> contexts_;
};

} // namespace runcast::runnables
