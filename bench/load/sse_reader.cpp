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
  } else if (chunked_) {
    in_.append(data, n);
  } else {
    body_.append(data, n);
  }
  if (chunked_ && !read_chunked())
    return false;
  read_frames();
  return true;
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
  if (!chunked_) {
    body_.swap(in_);
    in_.clear();
  }
  return true;
}

bool sse_reader::read_chunked() {
  size_t pos = 0;
  while (pos < in_.size() && !body_done_) {
    if (chunk_left_ > 0) {
      auto take = std::min(chunk_left_, in_.size() - pos);
      body_.append(in_, pos, take);
      pos += take;
      chunk_left_ -= take;
      if (chunk_left_ == 0)
        need_chunk_crlf_ = true;
      continue;
    }
    if (need_chunk_crlf_) {
      if (in_.size() - pos < 2)
        break;
      if (in_[pos] != '\r' || in_[pos + 1] != '\n')
        return false;
      pos += 2;
      need_chunk_crlf_ = false;
      continue;
    }
    auto eol = in_.find("\r\n", pos);
    if (eol == std::string::npos) {
      if (in_.size() - pos > 1024)
        return false;
      break;
    }
    char* stop = nullptr;
    auto size = std::strtoul(in_.c_str() + pos, &stop, 16);
    if (stop == in_.c_str() + pos)
      return false;
    pos = eol + 2;
    if (size == 0) {
      body_done_ = true; // trailers are not read: the stream is over
      break;
    }
    chunk_left_ = size;
  }
  in_.erase(0, pos);
  return true;
}

void sse_reader::read_frames() {
  size_t start = 0;
  for (;;) {
    auto at = body_.find("\n\n", std::max(start, scan_from_));
    if (at == std::string::npos)
      break;
    on_frame_(std::string_view{body_}.substr(start, at - start));
    start = at + 2;
    scan_from_ = 0;
  }
  body_.erase(0, start);
  scan_from_ = body_.empty() ? 0 : body_.size() - 1;
}

} // namespace bench
