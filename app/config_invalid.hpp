#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace runcast::app {

/// `runcast serve --config FILE` with a bad FILE: every problem, one line each, prefixed
/// with the file name ("runcast.json: /agents/2/model: unknown key \"modle\"").
class config_invalid : public std::runtime_error {
public:
  /// `lines`: one per problem, in document order.
  explicit config_invalid(std::vector<std::string> lines)
    : std::runtime_error("invalid config file"), lines_(std::move(lines)) {
  }

  /// One line per problem.
  const std::vector<std::string>& lines() const { return lines_; }

private:
  std::vector<std::string> lines_;
};

} // namespace runcast::app
