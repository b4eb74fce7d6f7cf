#include "runnables/sse_line_parser.hpp"

namespace runcast::runnables {

bool sse_line_parser::feed(std::string_view bytes,
                           const std::function<void(std::string_view)>& on_line) {
  if (failed_)
    return false;
  size_t start = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (c != '\n' && c != '\r')
      continue;
    if (c == '\n' && skip_lf_ && i == start && line_.empty()) {
      skip_lf_ = false;
      start = i + 1;
      continue;
    }
    line_.append(bytes.data() + start, i - start);
    if (line_.size() > max_line_) {
      failed_ = true;
      return false;
    }
    skip_lf_ = c == '\r';
    start = i + 1;
    std::string line;
    line.swap(line_);
    on_line(line);
  }
  if (start < bytes.size()) {
    skip_lf_ = false;
    line_.append(bytes.data() + start, bytes.size() - start);
    if (line_.size() > max_line_) {
      failed_ = true;
      return false;
    }
  }
  return true;
}

} // namespace runcast::runnables
