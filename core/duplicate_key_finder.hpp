#pragma once

#include "core/config_checker.hpp"
#include "core/config_error.hpp"

#include <set>
#include <string>
#include <vector>

namespace runcast {

/// Finds keys an object of a document has twice, while the document is parsed (the parser
/// keeps the last silently: a pasted-over "timeout_ms" would change a value unnoticed).
/// Pass `callback()` to config_json::parse; read errors() afterwards.
class duplicate_key_finder {
public:
  /// The parser callback; it keeps every value.
  config_json::parser_callback_t callback();

  /// One error per repeated key, at the object's JSON pointer.
  const std::vector<config_error>& errors() const { return errors_; }

private:
  /// An object or array being parsed.
  struct frame {
    bool array = false;
    size_t next_index = 0;     ///< arrays: the index of the next element
    std::string path;          ///< JSON pointer of this object or array
    std::string key;           ///< objects: the key whose value is being read
    std::set<std::string> keys; ///< objects: the keys read so far
  };

  /// The pointer of the value starting now, in the innermost frame.
  std::string child_path();

  void on_event(config_json::parse_event_t event, const config_json& parsed);

  std::vector<frame> frames_;
  std::vector<config_error> errors_;
};

} // namespace runcast
