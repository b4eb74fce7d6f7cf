#pragma once

#include "tests/support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace runcast::test {

/// tests/support/fake_openai.py running as a child process with a script of behaviours
/// (one per request), in a temp dir of its own. Reads what it recorded. The destructor
/// kills it.
class fake_openai_process {
public:
  /// Starts the fake with `script` (a JSON array); `tls_cert`/`tls_key` make it serve HTTPS.
  /// Throws std::runtime_error if it does not print its port within 10 s.
  explicit fake_openai_process(const nlohmann::json& script, const std::string& tls_cert = {},
                               const std::string& tls_key = {});
  /// Kills the fake (SIGKILL) and reaps it.
  ~fake_openai_process();

  fake_openai_process(const fake_openai_process&) = delete;
  fake_openai_process& operator=(const fake_openai_process&) = delete;

  /// The port it listens on (127.0.0.1).
  uint16_t port() const { return port_; }

  /// Every request received so far: {"path", "authorization", "body"}.
  std::vector<nlohmann::json> requests() const;

  /// True once a hanging stream's client closed its connection.
  bool saw_disconnect() const;

private:
  temp_dir dir_{"fake-openai"};
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

} // namespace runcast::test
