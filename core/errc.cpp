#include "core/errc.hpp"

namespace runcast {

std::string_view to_string(errc code) {
  switch (code) {
    case errc::not_found:
      return "not_found";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::conflict:
      return "conflict";
    case errc::unavailable:
      return "unavailable";
    case errc::shutting_down:
      return "shutting_down";
    case errc::internal:
      return "internal";
    case errc::overloaded:
      return "overloaded";
    case errc::draining:
      return "draining";
  }
  return "unknown";
}

} // namespace runcast
