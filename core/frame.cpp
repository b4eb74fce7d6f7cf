#include "core/frame.hpp"

#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace runcast {

// The bytes follow the header in the same allocation; the header's size keeps them aligned
// for nothing more than char, which is all they are.
static_assert(sizeof(frame) == 8, "a frame's header is its count and its size");

frame_ptr frame::make(std::string_view bytes) {
  if (bytes.size() > std::numeric_limits<uint32_t>::max())
    throw std::length_error("frame: more than 4 GiB");
  void* storage = ::operator new(sizeof(frame) + bytes.size());
  auto* f = new (storage) frame(static_cast<uint32_t>(bytes.size()));
  if (!bytes.empty())
    std::memcpy(static_cast<void*>(f + 1), bytes.data(), bytes.size());
  return frame_ptr{f};
}

frame_ptr frame::make(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (auto part : parts)
    size += part.size();
  if (size > std::numeric_limits<uint32_t>::max())
    throw std::length_error("frame: more than 4 GiB");
  void* storage = ::operator new(sizeof(frame) + size);
  auto* f = new (storage) frame(static_cast<uint32_t>(size));
  auto* out = static_cast<char*>(static_cast<void*>(f + 1));
  for (auto part : parts) {
    if (!part.empty())
      std::memcpy(out, part.data(), part.size());
    out += part.size();
  }
  return frame_ptr{f};
}

void intrusive_ptr_release(const frame* f) noexcept {
  // acq_rel: the last owner sees every other owner's use of the bytes before freeing them.
  if (f->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    auto* mutable_frame = const_cast<frame*>(f);
    mutable_frame->~frame();
    ::operator delete(static_cast<void*>(mutable_frame));
  }
}

} // namespace runcast
