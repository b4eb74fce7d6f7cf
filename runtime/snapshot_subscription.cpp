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
  std::lock_guard<std::mutex> lock{mutex_};
  pump(std::move(out));
}

void snapshot_subscription::credit(size_t n) {
  std::lock_guard<std::mutex> lock{mutex_};
  in_flight_ -= std::min(n, in_flight_);
  pump({});
}

void snapshot_subscription::close() {
  std::lock_guard<std::mutex> lock{mutex_};
  release();
}

void snapshot_subscription::pump(std::vector<frame_ptr> out) {
  if (!frames_)
    return;
  auto end = frames_->end();
  auto room = window_ - std::min(window_, in_flight_ + out.size());
  auto n = std::min<int64_t>(static_cast<int64_t>(room), end - cursor_);
  auto begin = frames_->frames.begin() + (cursor_ - frames_->first);
  out.insert(out.end(), begin, begin + n);
  cursor_ += n;
  in_flight_ += out.size();
  if (!out.empty())
    sink_->on_frames(std::move(out));
  if (cursor_ == end) {
    sink_->on_end(nullptr, false);
    release();
  }
}

void snapshot_subscription::release() {
  if (!frames_)
    return;
  frames_.reset();
  sink_.reset();
  metrics_.subscriber_removed(node_metrics::subscriber_kind::local);
}

} // namespace runcast::runtime
