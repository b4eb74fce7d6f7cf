#include "actors/run_context_impl.hpp"

#include "actors/run_actor.hpp"
#include "actors/type_ids.hpp"

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace runcast::actors {

run_context_impl::run_context_impl(run_info info, caf::actor_control_block* run_actor,
                                   boost::asio::io_context& io, size_t max_pending,
                                   history_reader history)
  : info_(std::move(info)), run_actor_(run_actor), io_(io), max_pending_(max_pending),
    history_(std::move(history)) {
}

const run_info& run_context_impl::info() const {
  return info_;
}

bool run_context_impl::emit(event_draft ev) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_ || ended_ || pending_.size() >= max_pending_)
    return false;
  pending_.push_back(std::move(ev));
  request_drain();
  return true;
}

void run_context_impl::complete(std::optional<std::string> output,
                                nlohmann::ordered_json fields) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_ || ended_)
    return;
  ended_ = true;
  outcome_ = run_outcome{run_status::completed, std::move(output), std::nullopt,
                         std::move(fields)};
  request_drain();
}

void run_context_impl::fail(std::string error, nlohmann::ordered_json fields) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_ || ended_)
    return;
  ended_ = true;
  outcome_ = run_outcome{run_status::error, std::nullopt, std::move(error), std::move(fields)};
  request_drain();
}

bool run_context_impl::cancelled() const {
  return closed_;
}

void run_context_impl::on_cancel(std::function<void()> f) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (!closed_) {
      on_cancel_.push_back(std::move(f));
      return;
    }
  }
  f(); // already over: at once, outside the lock
}

boost::asio::io_context& run_context_impl::io() {
  return io_;
}

void run_context_impl::start_child(child_request request, child_handler handler) {
  auto strong = caf::actor_cast<caf::strong_actor_ptr>(run_actor_);
  if (closed_ || !strong) {
    handler.on_end({run_status::cancelled, std::nullopt, std::string{"the parent run is over"}});
    return;
  }
  caf::anon_send(caf::actor_cast<run_actor>(strong), child_atom::value,
                 child_start{std::move(request), std::move(handler)});
}

void run_context_impl::session_history(size_t n,
                                       std::function<void(std::vector<past_run>)> done) {
  if (!history_ || n == 0 || info_.session_id.empty()) {
    done({});
    return;
  }
  history_(info_.session_id, info_.run_id, n, std::move(done));
}

run_context_impl::drained run_context_impl::drain() {
  std::lock_guard<std::mutex> guard{mutex_};
  drain_requested_ = false;
  drained out;
  out.events.swap(pending_);
  out.outcome = std::move(outcome_);
  outcome_.reset();
  return out;
}

void run_context_impl::close() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (closed_.exchange(true))
      return;
    callbacks.swap(on_cancel_);
    pending_.clear();
  }
  // Outside the lock: a callback may call back into the context.
  for (auto& f : callbacks)
    f();
}

void run_context_impl::request_drain() {
  if (drain_requested_)
    return;
  drain_requested_ = true;
  if (auto strong = caf::actor_cast<caf::strong_actor_ptr>(run_actor_))
    caf::anon_send(caf::actor_cast<run_actor>(strong), drain_atom::value);
}

} // namespace runcast::actors
