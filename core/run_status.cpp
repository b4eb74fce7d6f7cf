#include "core/run_status.hpp"

#include <array>
#include <cctype>

namespace runcast {

namespace {

constexpr std::array<std::string_view, 6> names = {"PENDING",   "RUNNING", "COMPLETED",
                                                   "PAUSED",    "CANCELLED", "ERROR"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != static_cast<unsigned char>(b[i]))
      return false;
  return true;
}

} // namespace

std::string_view to_string(run_status s) {
  return names[static_cast<size_t>(s)];
}

std::optional<run_status> parse_run_status(std::string_view s) {
  for (size_t i = 0; i < names.size(); ++i)
    if (iequals(s, names[i]))
      return static_cast<run_status>(i);
  return std::nullopt;
}

bool is_terminal(run_status s) {
  return s == run_status::completed || s == run_status::cancelled || s == run_status::error;
}

} // namespace runcast
