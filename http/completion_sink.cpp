#include "http/completion_sink.hpp"

#include <utility>

namespace runcast::http {

completion_sink::completion_sink(std::function<void()> done) : done_(std::move(done)) {
}

// Credits go out without the lock: a subscription may deliver more frames from within
// credit() (runtime/snapshot_subscription.hpp), and on_frames takes the lock.
void completion_sink::set_subscription(std::shared_ptr<subscription> sub) {
  size_t owed = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    sub_ = sub;
    owed = std::exchange(uncredited_, 0);
  }
  if (owed > 0)
    sub->credit(owed);
}

void completion_sink::on_not_found(const std::string&) {
  done_();
}

void completion_sink::on_frames(std::vector<frame_ptr> frames) {
  std::shared_ptr<subscription> sub;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    sub = sub_;
    if (!sub)
      uncredited_ += frames.size();
  }
  if (sub)
    sub->credit(frames.size());
}

void completion_sink::on_end(frame_ptr, bool) {
  {
    // The subscription is over: drop our handle so nothing keeps it alive.
    std::lock_guard<std::mutex> guard{mutex_};
    sub_.reset();
  }
  done_();
}

} // namespace runcast::http
