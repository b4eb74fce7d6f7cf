#include "persistence/pg_errors.hpp"

namespace runcast::persistence::detail {

std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space && c != ' ')
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string describe(std::string_view operation, std::string_view message,
                     const std::vector<std::string>& secrets) {
  auto text = one_line(message);
  for (const auto& secret : secrets) {
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  }
  return "pg store: " + std::string{operation} + ": " + text;
}

} // namespace runcast::persistence::detail
