#include "actors/write_behind.hpp"

#include <algorithm>
#include <iterator>

namespace runcast::actors {

write_behind::write_behind(size_t batch_max, std::chrono::milliseconds retry_max)
  : batch_max_(std::max<size_t>(1, batch_max)), retry_max_(retry_max) {
}

void write_behind::push(pending_event ev) {
  queued_.push_back(std::move(ev));
}

void write_behind::set_status(run_outcome outcome) {
  // The front is in flight while status_writing_; any other waiting status that does not end
  // the run gives way to a newer one that does not either. At most three wait: one in
  // flight, one waiting, the run's end.
  bool back_in_flight = status_writing_ && statuses_.size() == 1;
  if (!statuses_.empty() && !back_in_flight && !is_terminal(statuses_.back().status)
      && !is_terminal(outcome.status))
    statuses_.back() = std::move(outcome);
  else
    statuses_.push_back(std::move(outcome));
}

pending_events write_behind::begin_events() {
  if (busy() || queued_.empty())
    return nullptr;
  // At most one batch per transaction, even after an outage let thousands pile up: each
  // write stays short and well inside the store timeout.
  auto n = static_cast<std::ptrdiff_t>(std::min(queued_.size(), batch_max_));
  auto batch = std::make_shared<std::vector<pending_event>>(
    std::make_move_iterator(queued_.begin()), std::make_move_iterator(queued_.begin() + n));
  queued_.erase(queued_.begin(), queued_.begin() + n);
  writing_ = std::move(batch);
  return writing_;
}

std::optional<run_outcome> write_behind::begin_status() {
  if (busy() || !queued_.empty() || statuses_.empty())
    return std::nullopt;
  status_writing_ = true;
  return statuses_.front();
}

int64_t write_behind::events_written() {
  auto upto = writing_->back().index + 1;
  writing_.reset();
  retry_delay_ = std::chrono::milliseconds{0};
  failing_since_.reset();
  return upto;
}

bool write_behind::status_written(const run_outcome& written) {
  status_writing_ = false;
  if (!statuses_.empty() && statuses_.front().status == written.status)
    statuses_.pop_front();
  retry_delay_ = std::chrono::milliseconds{0};
  failing_since_.reset();
  return is_terminal(written.status);
}

std::chrono::milliseconds write_behind::failed(clock::time_point now) {
  // Back to the front, in order: the retry writes exactly these first. Copied, not moved:
  // the store may still hold the batch it failed (the frames are shared either way).
  if (writing_)
    queued_.insert(queued_.begin(), writing_->begin(), writing_->end());
  writing_.reset();
  status_writing_ = false;
  if (!failing_since_)
    failing_since_ = now;
  retry_delay_ = std::min(retry_max_, std::max(std::chrono::milliseconds{50}, retry_delay_ * 2));
  return retry_delay_;
}

} // namespace runcast::actors
