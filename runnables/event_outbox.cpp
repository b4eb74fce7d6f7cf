#include "runnables/event_outbox.hpp"

namespace runcast::runnables {

event_outbox::event_outbox(std::shared_ptr<actors::run_context> ctx,
                           net::strand<net::io_context::executor_type> strand)
  : ctx_(std::move(ctx)), timer_(std::move(strand)) {
}

void event_outbox::push(event_draft ev) {
  queue_.push_back(std::move(ev));
}

void event_outbox::flush(std::function<void()> then) {
  waiting_.push_back(std::move(then));
  if (!retrying_)
    drain();
}

void event_outbox::drain() {
  for (;;) {
    if (stopped_ || ctx_->cancelled()) {
      // The run is over: nothing waits for these any more. Dropped from a local, as they
      // may hold the last reference to our owner (and so to us).
      auto dropped = std::move(waiting_);
      waiting_.clear();
      return;
    }
    if (queue_.empty())
      break;
    if (!ctx_->emit(queue_.front())) {
      // Refused: too many events wait for the run actor. Offer again shortly. `this` stays
      // valid: the waiting continuations keep the owner, and so the outbox, alive.
      retrying_ = true;
      timer_.expires_after(retry_delay);
      timer_.async_wait([this](beast::error_code ec) {
        if (ec)
          return; // stopped, or the outbox is going away: touch nothing
        retrying_ = false;
        drain();
      });
      return;
    }
    queue_.pop_front();
  }
  auto ready = std::move(waiting_);
  waiting_.clear();
  for (auto& f : ready)
    f();
}

void event_outbox::stop() {
  stopped_ = true;
  retrying_ = false;
  timer_.cancel();
  auto dropped = std::move(waiting_); // released after the members are consistent
  waiting_.clear();
}

} // namespace runcast::runnables
