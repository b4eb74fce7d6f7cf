#pragma once

#include <string>

namespace runcast {

/// One problem of a configuration file: where (a JSON pointer, "" for the whole document)
/// and what, e.g. {"/agents/2/model", "unknown key \"modle\""}.
struct config_error {
  std::string path;    ///< JSON pointer of the value at fault; "" is the document itself
  std::string message; ///< what is wrong, for the operator; never a secret's value

  /// "PATH: MESSAGE", the document itself shown as "/".
  std::string to_string() const;

  /// Equal path and message (tests compare whole lists).
  bool operator==(const config_error& other) const;
};

} // namespace runcast
