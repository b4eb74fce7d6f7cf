#pragma once

#include <string>

namespace runcast {

/// Names the calling thread as `top -H`, `ps -L`, `perf` and debuggers show it: "rc-" and
/// what the thread does (CAF names its own: caf.multiplexer for its workers, caf.actor for
/// a detached actor's thread such as the store's, caf.clock). Linux keeps 15 bytes; the
/// rest is cut. Best effort: a name that cannot be set changes nothing else.
void name_this_thread(const std::string& name);

} // namespace runcast
