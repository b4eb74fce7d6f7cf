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
  while (!queue_.empty()) {
    if (stopped_ || ctx_->cancelled())
      return;
    if (!ctx_->emit(queue_.front())) {
      // Refused: too many events wait for the run actor. Offer again shortly; the timer's
      // handler keeps `then` (and so the owner) alive meanwhile.
      timer_.expires_after(retry_delay);
      timer_.async_wait([this, then = std::move(then)](beast::error_code ec) mutable {
        if (!ec)
          flush(std::move(then));
      });
      return;
    }
    queue_.pop_front();
  }
  then();
}

void event_outbox::stop() {
  stopped_ = true;
  timer_.cancel();
}

} // namespace runcast::runnables
