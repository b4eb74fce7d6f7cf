#pragma once

#include <boost/smart_ptr/intrusive_ptr.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace runcast {

class frame;

/// An encoded SSE frame, built once and shared by every subscriber that sends it (and by
/// the store write that persists its event).
using frame_ptr = boost::intrusive_ptr<const frame>;

/// The bytes of one encoded SSE frame: immutable, in one allocation with their reference
/// count. An event log holds thousands of these, so each costs its bytes plus 8 (and
/// malloc's own 8), where a `shared_ptr<const std::string>` cost two allocations and ~90 B.
class frame {
public:
  /// A frame holding a copy of `bytes`. Throws std::length_error past 4 GiB.
  static frame_ptr make(std::string_view bytes);

  /// A frame holding `parts` one after the other: built in place, with no string between.
  /// Throws std::length_error past 4 GiB.
  static frame_ptr make(std::initializer_list<std::string_view> parts);

  frame(const frame&) = delete;
  frame& operator=(const frame&) = delete;

  const char* data() const noexcept {
    return reinterpret_cast<const char*>(this + 1);
  }

  size_t size() const noexcept {
    return size_;
  }

  std::string_view view() const noexcept {
    return {data(), size_};
  }

  std::string str() const {
    return std::string{view()};
  }

  friend void intrusive_ptr_add_ref(const frame* f) noexcept {
    f->refs_.fetch_add(1, std::memory_order_relaxed);
  }

  friend void intrusive_ptr_release(const frame* f) noexcept;

private:
  explicit frame(uint32_t size) noexcept : size_(size) {
  }
  ~frame() = default;

  mutable std::atomic<uint32_t> refs_{0};
  uint32_t size_;
};

} // namespace runcast
