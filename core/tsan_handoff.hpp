#pragma once

// Happens-before edges for ThreadSanitizer where objects cross threads through CAF's
// mailboxes. Debian's CAF is not instrumented, so TSan cannot see that a message orders
// what its sender did before against what its receiver does after: a frame made by an
// event log and read by a subscriber's connection would look raced. The sender releases
// each handed object, the receiver acquires it; outside TSan builds these are no-ops.

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace runcast {

/// The sender hands `object` on (to a message).
inline void tsan_release(const void* object) {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(const_cast<void*>(object));
#else
  (void) object;
#endif
}

/// The receiver takes `object` (from a message).
inline void tsan_acquire(const void* object) {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(const_cast<void*>(object));
#else
  (void) object;
#endif
}

} // namespace runcast
