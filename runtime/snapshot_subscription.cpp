#include "runtime/snapshot_subscription.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace runcast::runtime {

snapshot_subscription::snapshot_subscription(std::shared_ptr<const actors::frozen_frames> frames,
                                             int64_t from, size_t window,
                                             std::shared_ptr<frame_sink> sink,
                                             node_metrics& metrics)
  : frames_(std::move(frames)),
    sink_(std::move(sink)),
    cursor_(std::clamp(from, frames_->first, frames_->end())),
    window_(std::max<size_t>(1, window)),
    limit_(std::min(window_, first_window)),
    metrics_(metrics) {
  metrics_.subscriber_added(node_metrics::subscriber_kind::local);
}

snapshot_subscription::~snapshot_subscription() {
  close();
}

void snapshot_subscription::start(frame_ptr first) {
  std::vector<frame_ptr> out;
  if (first)
    out.push_back(std::move(first));
  pump(std::move(out));
}

void snapshot_subscription::credit(size_t n) {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    in_flight_ -= std::min(n, in_flight_);
    limit_ = window_;
  }
  pump({});
}

void snapshot_subscription::close() {
  std::lock_guard<std::mutex> lock{mutex_};
  release();
}

void snapshot_subscription::pump(std::vector<frame_ptr> out) {
  std::unique_lock<std::mutex> lock{mutex_};
  // One caller delivers at a time, so the sink sees its calls in order; a credit that comes
  // meanwhile (from the sink itself, or another thread) only opens the window, and the
  // delivering caller goes on with it.
  if (pumping_)
    return;
  pumping_ = true;
  while (frames_) {
    auto end = frames_->end();
    auto room = limit_ - std::min(limit_, in_flight_ + out.size());
    auto n = std::min<int64_t>(static_cast<int64_t>(room), end - cursor_);
    auto begin = frames_->frames.begin() + (cursor_ - frames_->first);
    out.insert(out.end(), begin, begin + n);
    cursor_ += n;
    in_flight_ += out.size();
    auto last = cursor_ == end;
    if (out.empty() && !last)
      break; // the window is full: the next credit goes on
    // The sink is called without the lock: it may credit at once (the embedding API does).
    auto sink = sink_;
    lock.unlock();
    if (!out.empty())
      sink->on_frames(std::move(out));
    if (last)
      sink->on_end(nullptr, false);
    lock.lock();
    out = {};
    if (last)
      release();
  }
  pumping_ = false;
}

void snapshot_subscription::release() {
  if (!frames_)
    return;
  frames_.reset();
  sink_.reset();
  metrics_.subscriber_removed(node_metrics::subscriber_kind::local);
}

} // namespace runcast::runtime
