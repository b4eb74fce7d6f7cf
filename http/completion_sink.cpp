#include "http/completion_sink.hpp"

namespace runcast::http {

completion_sink::completion_sink(std::function<void()> done) : done_(std::move(done)) {
}

void completion_sink::set_subscription(std::shared_ptr<subscription> sub) {
  std::lock_guard<std::mutex> guard{mutex_};
  sub_ = std::move(sub);
  if (uncredited_ > 0)
    sub_->credit(uncredited_);
  uncredited_ = 0;
}

void completion_sink::on_not_found(const std::string&) {
  done_();
}

void completion_sink::on_frames(std::vector<frame_ptr> frames) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (sub_)
    sub_->credit(frames.size());
  else
    uncredited_ += frames.size();
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
