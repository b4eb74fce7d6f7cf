#include "http/gathered_write.hpp"

#include <cassert>

namespace runcast::http {

namespace {

size_t chunk_bytes(const std::vector<frame_ptr>& frames) {
  size_t n = 0;
  for (const auto& f : frames)
    n += f->size();
  return n;
}

} // namespace

gathered_write::gathered_write(frame_ptr head, std::vector<frame_ptr> frames)
  : head_(std::move(head)), frames_(std::move(frames)), chunk_(chunk_bytes(frames_)) {
  assert(chunk_bytes(frames_) > 0);
  buffers_.reserve(frames_.size() + 5);
  auto add = [this](net::const_buffer b) {
    if (b.size() == 0)
      return; // Beast's chunk header holds an empty extensions buffer
    buffers_.push_back(b);
    bytes_ += b.size();
  };
  if (head_)
    add(net::buffer(head_->data(), head_->size()));
  for (auto b : beast::buffers_range_ref(chunk_))
    add(b);
  for (const auto& f : frames_)
    add(net::buffer(f->data(), f->size()));
  add(net::buffer("\r\n", 2)); // the chunk's end (a literal: static storage)
}

bool gathered_write::consume(size_t n) {
  while (n > 0 && next_ < buffers_.size()) {
    auto& b = buffers_[next_];
    if (n < b.size()) {
      b += n;
      return false;
    }
    n -= b.size();
    ++next_;
  }
  return next_ == buffers_.size();
}

} // namespace runcast::http
