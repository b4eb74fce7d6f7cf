#include "runnables/echo_runnable.hpp"

#include <cctype>

namespace runcast::runnables {

echo_runnable::echo_runnable(std::string message, std::chrono::milliseconds delay,
                             std::string content_event)
  : message_(std::move(message)), delay_(delay), content_event_(std::move(content_event)) {
  skip_space();
}

void echo_runnable::skip_space() {
  while (next_ < message_.size() && std::isspace(static_cast<unsigned char>(message_[next_])))
    ++next_;
}

actors::step echo_runnable::next() {
  actors::step s;
  if (next_ < message_.size()) {
    auto end = next_;
    while (end < message_.size() && !std::isspace(static_cast<unsigned char>(message_[end])))
      ++end;
    auto content = message_.substr(next_, end - next_);
    next_ = end;
    skip_space();
    bool more = next_ < message_.size();
    // Words keep their separating space so that concatenated contents read as the message.
    if (more)
      content += ' ';
    s.events.push_back({content_event_, std::move(content)});
    s.delay = more ? delay_ : std::chrono::milliseconds{0};
    return s;
  }
  s.last = true; // the run actor emits the completed event with the output
  s.output = message_;
  return s;
}

} // namespace runcast::runnables
