#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::http {

/// Path parameters a pattern took from a path, by name: {"run_id": "r1"}.
using path_params = std::map<std::string, std::string, std::less<>>;

/// A route's path: literal segments and `{name}` parameters, e.g. "/sessions/{session_id}".
/// It matches decoded path segments (as Boost.URL gives them), one segment per parameter.
class path_pattern {
public:
  /// Compiles `text`; throws std::invalid_argument unless it starts with '/' and every segment
  /// is a non-empty literal or a whole `{name}` with a name not used before in it.
  path_pattern(std::string_view text);

  /// True when `segments` fit the pattern; then their parameters are in `params`.
  bool match(const std::vector<std::string>& segments, path_params& params) const;

  /// True when this pattern wins over `other` for a path both match: at the first segment
  /// where one is literal and the other a parameter, the literal one wins ("/sessions" over
  /// "/{kind}").
  bool more_specific_than(const path_pattern& other) const;

  /// The pattern as written.
  const std::string& text() const {
    return text_;
  }

private:
  struct segment {
    std::string text; ///< the literal, or the parameter's name
    bool param;
  };

  std::string text_;
  std::vector<segment> segments_;
};

} // namespace runcast::http
