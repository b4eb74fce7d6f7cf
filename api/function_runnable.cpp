#include "api/function_runnable.hpp"

#include <boost/asio/post.hpp>

#include <chrono>
#include <exception>
#include <thread>
#include <utility>

namespace runcast {

namespace {

/// How long a function's emit waits before offering an event again while its run's log
/// asks producers to wait. The function owns its thread, so waiting there is fine.
constexpr auto emit_retry = std::chrono::milliseconds{1};

} // namespace

function_run::function_run(std::shared_ptr<run_context> ctx) : ctx_(std::move(ctx)) {
}

const run_info& function_run::info() const {
  return ctx_->info();
}

bool function_run::emit(std::string text) {
  while (!ctx_->cancelled()) {
    if (ctx_->emit({ctx_->info().names.content, text}))
      return true;
    std::this_thread::sleep_for(emit_retry);
  }
  return false;
}

bool function_run::cancelled() const {
  return ctx_->cancelled();
}

function_runnable::function_runnable(function_body body,
                                     std::shared_ptr<boost::asio::thread_pool> pool)
  : body_(std::move(body)), pool_(std::move(pool)) {
}

void function_runnable::start(std::shared_ptr<run_context> ctx) {
  boost::asio::post(*pool_, [body = body_, ctx = std::move(ctx)] {
    if (ctx->cancelled())
      return;
    function_run run{ctx};
    try {
      auto output = body(run);
      ctx->complete(std::move(output));
    } catch (const std::exception& e) {
      ctx->fail(e.what());
    } catch (...) {
      ctx->fail("the function threw something that is not a std::exception");
    }
  });
}

} // namespace runcast
