#include "actors/echo_runnable.hpp"

#include <sstream>

namespace runcast::actors {

echo_runnable::echo_runnable(std::string message, std::chrono::milliseconds delay,
                             std::string content_event)
  : message_(std::move(message)), delay_(delay), content_event_(std::move(content_event)) {
  std::istringstream in{message_};
  for (std::string w; in >> w;)
    words_.push_back(std::move(w));
}

step echo_runnable::next() {
  step s;
  if (next_ < words_.size()) {
    // Words keep their separating space so that concatenated contents read as the message.
    auto content = words_[next_];
    if (next_ + 1 < words_.size())
      content += ' ';
    s.events.push_back({content_event_, std::move(content)});
    ++next_;
    s.delay = next_ < words_.size() ? delay_ : std::chrono::milliseconds{0};
    return s;
  }
  s.last = true; // the run actor emits the completed event with the output
  s.output = message_;
  return s;
}

} // namespace runcast::actors
