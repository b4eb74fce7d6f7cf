#include "bench/load/sse_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace bench {

sse_reader::sse_reader(frame_handler on_frame) : on_frame_(std::move(on_frame)) {
}

bool sse_reader::feed(const char* data, size_t n) {
  if (!head_done_) {
    in_.append(data, n);
    if (!read_head())
      return false;
    if (!head_done_)
      return true;
    std::string rest; // what followed the head in this read
    rest.swap(in_);
    return feed(rest.data(), rest.size());
  }
  if (!chunked_)
    return take_body(data, n);
  return read_chunked(data, n);
}

bool sse_reader::read_head() {
  auto end = in_.find("\r\n\r\n");
  if (end == std::string::npos)
    return in_.size() < 64 * 1024;
  head_ = in_.substr(0, end + 4);
  in_.erase(0, end + 4);
  if (head_.compare(0, 5, "HTTP/") != 0)
    return false;
  auto sp = head_.find(' ');
  if (sp == std::string::npos)
    return false;
  status_ = std::atoi(head_.c_str() + sp + 1);
  std::string lower = head_;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  chunked_ = lower.find("transfer-encoding: chunked") != std::string::npos;
  head_done_ = true;
  return true;
}

bool sse_reader::read_chunked(const char* p, size_t n) {
  while (n > 0 && !body_done_) {
    if (chunk_left_ > 0) {
      auto take = std::min(chunk_left_, n);
      if (!take_body(p, take))
        return false;
      p += take;
      n -= take;
      chunk_left_ -= take;
      if (chunk_left_ == 0)
        crlf_left_ = 2;
      continue;
    }
    if (crlf_left_ > 0) {
      if (*p != (crlf_left_ == 2 ? '\r' : '\n'))
        return false;
      ++p;
      --n;
      --crlf_left_;
      continue;
    }
    // A chunk-size line, "<hex>[;ext]\r\n", perhaps cut by the read.
    const auto* eol = static_cast<const char*>(std::memchr(p, '\n', n));
    if (eol == nullptr) {
      line_.append(p, n);
      return line_.size() <= 1024;
    }
    line_.append(p, static_cast<size_t>(eol - p));
    n -= static_cast<size_t>(eol + 1 - p);
    p = eol + 1;
    if (line_.empty() || line_.back() != '\r')
      return false;
    char* stop = nullptr;
    auto size = std::strtoul(line_.c_str(), &stop, 16);
    if (stop == line_.c_str())
      return false;
    line_.clear();
    if (size == 0)
      body_done_ = true; // trailers are not read: the stream is over
    else
      chunk_left_ = size;
  }
  return true;
}

bool sse_reader::take_body(const char* p, size_t n) {
  std::string_view in{p, n};
  if (!body_.empty()) {
    // A frame's first part waits: its end is the first blank line, which may straddle.
    if (body_.back() == '\n' && !in.empty() && in.front() == '\n') {
      body_.pop_back();
      in.remove_prefix(1);
    } else if (auto at = in.find("\n\n"); at != std::string_view::npos) {
      body_.append(in.substr(0, at));
      in.remove_prefix(at + 2);
    } else {
      body_.append(in);
      return body_.size() <= max_frame_bytes;
    }
    on_frame_(body_);
    body_.clear();
  }
  for (auto at = in.find("\n\n"); at != std::string_view::npos; at = in.find("\n\n")) {
    on_frame_(in.substr(0, at));
    in.remove_prefix(at + 2);
  }
  body_.assign(in);
  return body_.size() <= max_frame_bytes;
}

} // namespace bench
