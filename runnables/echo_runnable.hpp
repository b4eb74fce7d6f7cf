#pragma once

#include "actors/runnable.hpp"

#include <string>

namespace runcast::runnables {

/// The demo agent, a step function: emits its message back word by word as content events
/// (`content_event`, e.g. RunContent), `delay` apart, then completes with the whole message.
class echo_runnable : public actors::step_runnable {
public:
  /// Longest delay a client may ask for between two words.
  static constexpr long max_delay_ms = 60'000;

  echo_runnable(std::string message, std::chrono::milliseconds delay,
                std::string content_event = "RunContent");

  actors::step next() override;

private:
  /// Moves `next_` to the start of the next word (or the end).
  void skip_space();

  std::string message_;
  std::chrono::milliseconds delay_;
  std::string content_event_;
  size_t next_ = 0; ///< where the next word starts; words are found as they are sent, so a
                    ///< long message costs no per-word memory
};

} // namespace runcast::runnables
