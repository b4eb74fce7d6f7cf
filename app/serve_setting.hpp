#pragma once

#include "app/serve_options.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace runcast::app {

/// One setting of `runcast serve`: the flag `--http-threads N` on the command line and the
/// key "http_threads" of a config file's "server" section. One table serves both, so a new
/// flag is a new key without another line of code.
struct serve_setting {
  /// How the value is written.
  enum class value_type {
    text,   ///< a string; `set_text` checks it
    number, ///< an integer in [min, max]
    peers,  ///< "host:port,host:port" as a flag, ["host:port", …] in a file
    secret, ///< a flag only; a file names an environment variable in "<key>_env"
    path,   ///< the config file itself: a flag only
  };

  const char* flag; ///< without the leading "--"
  const char* arg;  ///< the value's name in --help ("N", "ADDR")
  std::string help; ///< the --help text
  value_type type;
  int64_t min = 0; ///< numbers: smallest value
  int64_t max = 0; ///< numbers: largest value
  /// Sets a text, peers or secret value; throws std::invalid_argument("must be …") (the
  /// caller says which flag or key).
  std::function<void(serve_options&, const std::string&)> set_text;
  /// Sets a number (range checked by the caller).
  std::function<void(serve_options&, int64_t)> set_number;
  bool limit = false; ///< one of core/limit_options.hpp (listed under "limits" in --help)

  /// The config file key: the flag with '_' for '-'.
  std::string key() const;
};

/// Every setting: serve's own, then every limit of core/limit_options.hpp.
const std::vector<serve_setting>& serve_settings();

/// The --help lines of the settings that are not limits.
std::string serve_settings_help();

/// "host:port" → (host, port); throws std::invalid_argument("expects host:port …").
std::pair<std::string, uint16_t> parse_peer(const std::string& text);

} // namespace runcast::app
