#include "http/path_pattern.hpp"

#include <algorithm>
#include <stdexcept>

namespace runcast::http {

path_pattern::path_pattern(std::string_view text) : text_(text) {
  auto bad = [&](const char* why) {
    return std::invalid_argument("route pattern \"" + text_ + "\": " + why);
  };
  if (text.empty() || text.front() != '/')
    throw bad("must start with '/'");
  text.remove_prefix(1);
  // "/" is the root: no segments at all.
  while (!text.empty()) {
    auto end = std::min(text.find('/'), text.size());
    auto part = text.substr(0, end);
    text.remove_prefix(end == text.size() ? end : end + 1);
    if (part.empty())
      throw bad("empty segment");
    bool param = part.front() == '{';
    if (param) {
      if (part.size() < 3 || part.back() != '}')
        throw bad("a parameter is a whole segment \"{name}\"");
      part = part.substr(1, part.size() - 2);
      auto same_name = [&](const segment& s) { return s.param && s.text == part; };
      if (std::any_of(segments_.begin(), segments_.end(), same_name))
        throw bad("repeated parameter name");
    }
    if (part.find_first_of("{}") != std::string_view::npos)
      throw bad("stray brace");
    segments_.push_back({std::string{part}, param});
  }
}

bool path_pattern::match(const std::vector<std::string>& segments, path_params& params) const {
  if (segments.size() != segments_.size())
    return false;
  for (size_t i = 0; i < segments.size(); ++i)
    if (!segments_[i].param && segments_[i].text != segments[i])
      return false;
  // Only a full match fills `params`: a failed attempt leaves nothing behind.
  for (size_t i = 0; i < segments.size(); ++i)
    if (segments_[i].param)
      params[segments_[i].text] = segments[i];
  return true;
}

bool path_pattern::more_specific_than(const path_pattern& other) const {
  auto n = std::min(segments_.size(), other.segments_.size());
  for (size_t i = 0; i < n; ++i)
    if (segments_[i].param != other.segments_[i].param)
      return !segments_[i].param;
  return false;
}

} // namespace runcast::http
