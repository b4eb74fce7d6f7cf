#include "tests/runnables/test_run_context.hpp"

#include <boost/asio/post.hpp>

namespace runcast::test {

test_run_context::test_run_context(boost::asio::io_context& io, std::string message,
                                   std::vector<actors::past_run> history)
  : history_(std::move(history)), io_(io) {
  info_.run_id = "run-1";
  info_.session_id = "session-1";
  info_.kind = "agents";
  info_.component_id = "assistant";
  info_.message = std::move(message);
  info_.names = names_for_kind("agents");
}

bool test_run_context::emit(event_draft ev) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (over_)
    return false;
  if (refuse_ > 0) {
    --refuse_;
    return false;
  }
  events_.push_back(std::move(ev));
  changed_.notify_all();
  return true;
}

void test_run_context::complete(std::optional<std::string> output,
                                nlohmann::ordered_json fields) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (over_)
    return;
  over_ = true;
  end_ = "completed";
  result_ = output.value_or("");
  fields_ = std::move(fields);
  changed_.notify_all();
}

void test_run_context::fail(std::string error, nlohmann::ordered_json fields) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (over_)
    return;
  over_ = true;
  end_ = "failed";
  result_ = std::move(error);
  fields_ = std::move(fields);
  changed_.notify_all();
}

bool test_run_context::cancelled() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return over_;
}

void test_run_context::on_cancel(std::function<void()> f) {
  std::unique_lock<std::mutex> lock{mutex_};
  if (end_ == "cancelled") {
    lock.unlock();
    f();
    return;
  }
  cancel_callbacks_.push_back(std::move(f));
}

void test_run_context::start_child(actors::child_request, actors::child_handler handler) {
  handler.on_end({run_status::error, std::nullopt, "no children in this test"});
}

void test_run_context::session_history(size_t n,
                                       std::function<void(std::vector<actors::past_run>)> done) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    history_asked_ = n;
  }
  // Like the runtime: the answer comes later, on another thread.
  auto h = history_;
  if (h.size() > n)
    h.erase(h.begin(), h.end() - static_cast<std::ptrdiff_t>(n));
  boost::asio::post(io_, [done = std::move(done), h = std::move(h)] { done(h); });
}

void test_run_context::refuse_emits(int n) {
  std::lock_guard<std::mutex> guard{mutex_};
  refuse_ = n;
}

void test_run_context::cancel() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    over_ = true;
    end_ = "cancelled";
    callbacks.swap(cancel_callbacks_);
  }
  for (auto& f : callbacks)
    f();
}

bool test_run_context::wait_end(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mutex_};
  return changed_.wait_for(lock, timeout, [this] { return end_ == "completed" ||
                                                          end_ == "failed"; });
}

bool test_run_context::wait_events(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mutex_};
  return changed_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
}

std::vector<event_draft> test_run_context::events() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return events_;
}

std::string test_run_context::content() const {
  std::lock_guard<std::mutex> guard{mutex_};
  std::string out;
  for (const auto& e : events_)
    if (e.type == info_.names.content && e.content)
      out += *e.content;
  return out;
}

std::string test_run_context::end() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return end_;
}

std::string test_run_context::result() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return result_;
}

nlohmann::ordered_json test_run_context::fields() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return fields_;
}

size_t test_run_context::history_asked() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return history_asked_;
}

} // namespace runcast::test
