#include "core/config_error.hpp"

namespace runcast {

std::string config_error::to_string() const {
  return (path.empty() ? std::string{"/"} : path) + ": " + message;
}

bool config_error::operator==(const config_error& other) const {
  return path == other.path && message == other.message;
}

} // namespace runcast
