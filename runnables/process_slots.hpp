#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace runcast::runnables {

/// The node-wide bound on child processes that runnables start (`command` runs, model
/// tools): a thread-safe counter shared by every runnable that spawns. builtins() creates
/// one; a spawn that finds it full fails at once instead of waiting.
class process_slots : public std::enable_shared_from_this<process_slots> {
public:
  /// The bound builtins() uses unless told otherwise.
  static constexpr size_t default_limit = 32;

  /// A held slot; the slot is free again when the last copy is destroyed.
  using lease = std::shared_ptr<void>;

  /// At most `limit` processes at once.
  explicit process_slots(size_t limit);

  /// A slot, or null when `limit()` are taken. Needs `*this` owned by a shared_ptr (the
  /// lease keeps it alive).
  lease try_acquire();

  /// The bound.
  size_t limit() const {
    return limit_;
  }

  /// Slots taken now.
  size_t in_use() const {
    return in_use_.load();
  }

private:
  size_t limit_;
  std::atomic<size_t> in_use_{0};
};

} // namespace runcast::runnables
