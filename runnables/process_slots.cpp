#include "runnables/process_slots.hpp"

namespace runcast::runnables {

process_slots::process_slots(size_t limit) : limit_(limit) {
}

process_slots::lease process_slots::try_acquire() {
  auto taken = in_use_.load();
  do {
    if (taken >= limit_)
      return nullptr;
  } while (!in_use_.compare_exchange_weak(taken, taken + 1));
  // The lease owns no object; its deleter gives the slot back and keeps the counter alive.
  auto self = shared_from_this();
  return lease{static_cast<void*>(this), [self](void*) { self->in_use_.fetch_sub(1); }};
}

} // namespace runcast::runnables
