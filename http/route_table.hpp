#pragma once

#include "http/path_pattern.hpp"

#include <boost/beast/http/verb.hpp>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runcast::http {

/// A routing table: rows `{method, pattern, handler}` matched against a request's method and
/// decoded path segments. Pure (no sockets, no I/O), so routing decisions test on their own.
/// A path that fits a pattern but not the method gets the pattern's methods for `Allow`.
template <class Handler>
class route_table {
public:
  // -- member types ---------------------------------------------------------------------------

  using verb = boost::beast::http::verb;

  /// One row: requests with `method` on paths fitting `pattern` go to `handler`.
  struct entry {
    /// A row; throws std::invalid_argument on a malformed pattern.
    entry(verb m, std::string_view p, Handler h)
      : method(m), pattern(p), handler(std::move(h)) {
    }

    verb method;
    path_pattern pattern;
    Handler handler;
  };

  /// What the table says about a method and a path.
  struct match {
    const path_pattern* pattern = nullptr; ///< the pattern the path fits; null: unknown path
    const entry* found = nullptr;          ///< its row for the method; null: method not allowed
    path_params params;                    ///< the path's parameters, when a pattern fits
    std::string allow;                     ///< the pattern's methods ("GET, DELETE"), for 405
  };

  // -- construction ---------------------------------------------------------------------------

  /// Takes the rows; throws std::invalid_argument on a malformed pattern or on two rows with
  /// the same method and pattern.
  route_table(std::initializer_list<entry> rows) : entries_(rows) {
    for (size_t i = 0; i < entries_.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (entries_[i].method == entries_[j].method
            && entries_[i].pattern.text() == entries_[j].pattern.text())
          throw std::invalid_argument("route table: two rows for "
                                      + std::string{to_string(entries_[i].method)} + " "
                                      + entries_[i].pattern.text());
  }

  // -- matching -------------------------------------------------------------------------------

  /// Matches `segments` (a request path's decoded segments; one trailing empty segment, as in
  /// "/agents/", is ignored) and `method`. Of several fitting patterns the most specific wins,
  /// then the first in the table.
  match find(verb method, std::vector<std::string> segments) const {
    if (!segments.empty() && segments.back().empty())
      segments.pop_back();
    match result;
    path_params params;
    for (const auto& e : entries_) {
      if (result.pattern != nullptr
          && (e.pattern.text() == result.pattern->text()
              || !e.pattern.more_specific_than(*result.pattern)))
        continue;
      params.clear();
      if (e.pattern.match(segments, params)) {
        result.pattern = &e.pattern;
        result.params = std::move(params);
      }
    }
    if (result.pattern == nullptr)
      return result;
    // The Allow header comes from the table itself, so it cannot drift from the routes.
    for (const auto& e : entries_) {
      if (e.pattern.text() != result.pattern->text())
        continue;
      if (!result.allow.empty())
        result.allow += ", ";
      result.allow += std::string{to_string(e.method)};
      if (e.method == method && result.found == nullptr)
        result.found = &e;
    }
    return result;
  }

  /// The rows, in table order.
  const std::vector<entry>& entries() const {
    return entries_;
  }

private:
  std::vector<entry> entries_;
};

} // namespace runcast::http
