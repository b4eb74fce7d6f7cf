#pragma once

#include <chrono>
#include <thread>

namespace runcast::test {

/// The suite's one polling helper, for conditions another process or thread makes true
/// (a server's state, a store's rows): checks `condition` every `interval` until it holds
/// or `timeout` passes, and says whether it held. Tests assert on the result, so a wait
/// that runs out fails where it happens instead of hanging or passing by luck.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds{10},
                std::chrono::milliseconds interval = std::chrono::milliseconds{20}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(interval);
  }
}

} // namespace runcast::test
