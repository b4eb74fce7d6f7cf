#include "runnables/event_relay.hpp"

#include <chrono>

namespace runcast::runnables {

namespace {

/// How soon a full context is tried again. The run actor drains it as soon as its log has
/// room, which takes about one store batch: a few milliseconds.
constexpr std::chrono::milliseconds retry_delay{5};

} // namespace

event_relay::event_relay(std::shared_ptr<actors::run_context> ctx)
  : ctx_(std::move(ctx)), timer_(ctx_->io()) {
}

bool event_relay::offer(event_draft& ev) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (ctx_->cancelled() || end_)
    return true; // the run is over or ending: nothing more goes out
  // Behind the composite's own queued events: they were first.
  if (!queued_.empty())
    return false;
  return ctx_->emit(std::move(ev)) || ctx_->cancelled();
}

void event_relay::push(event_draft ev) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (ctx_->cancelled())
    return;
  queued_.push_back(std::move(ev));
  flush_locked();
}

void event_relay::complete(std::string output) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (!end_)
    end_ = ending{true, std::move(output), false};
  flush_locked();
}

void event_relay::fail(std::string error) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (!end_)
    end_ = ending{false, std::move(error), false};
  flush_locked();
}

void event_relay::flush_locked() {
  if (ctx_->cancelled()) {
    queued_.clear();
    return;
  }
  while (!queued_.empty()) {
    // A copy: a refused event stays queued. The composite's own events are few and small.
    if (!ctx_->emit(queued_.front()))
      return retry_later_locked();
    queued_.pop_front();
  }
  if (end_ && !end_->handed_on) {
    end_->handed_on = true;
    if (end_->ok)
      ctx_->complete(std::move(end_->text));
    else
      ctx_->fail(std::move(end_->text));
  }
}

void event_relay::retry_later_locked() {
  if (timer_armed_ || ctx_->cancelled())
    return;
  timer_armed_ = true;
  timer_.expires_after(retry_delay);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    std::lock_guard<std::mutex> guard{self->mutex_};
    self->timer_armed_ = false;
    if (!ec)
      self->flush_locked();
  });
}

} // namespace runcast::runnables
