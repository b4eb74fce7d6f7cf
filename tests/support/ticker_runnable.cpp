#include "tests/support/ticker_runnable.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace runcast::test {

struct ticker_runnable::state : std::enable_shared_from_this<state> {
  state(std::shared_ptr<actors::run_context> c, int n, std::chrono::milliseconds d, int f)
    : ctx(std::move(c)), timer(ctx->io()), count(n), delay(d), fail_at(f) {
  }

  void tick() {
    if (ctx->cancelled())
      return;
    if (next == fail_at) {
      ctx->fail("ticker failed at " + std::to_string(next));
      return;
    }
    if (next == count) {
      ctx->complete("ticked " + std::to_string(count));
      return;
    }
    ctx->emit_content("tick " + std::to_string(next++));
    timer.expires_after(delay);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec)
        self->tick();
    });
  }

  std::shared_ptr<actors::run_context> ctx;
  boost::asio::steady_timer timer;
  int count;
  std::chrono::milliseconds delay;
  int fail_at;
  int next = 0;
};

ticker_runnable::ticker_runnable(int count, std::chrono::milliseconds delay, int fail_at)
  : count_(count), delay_(delay), fail_at_(fail_at) {
}

void ticker_runnable::start(std::shared_ptr<actors::run_context> ctx) {
  auto st = std::make_shared<state>(ctx, count_, delay_, fail_at_);
  // The cancel callback runs on a runtime thread; the timer belongs to the io executor.
  ctx->on_cancel([weak = std::weak_ptr<state>(st), &io = ctx->io()] {
    boost::asio::post(io, [weak] {
      if (auto s = weak.lock())
        s->timer.cancel();
    });
  });
  boost::asio::post(ctx->io(), [st] { st->tick(); });
}

} // namespace runcast::test
