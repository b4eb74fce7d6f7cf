#pragma once

#include "actors/run_context.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace runcast::test {

/// A run_context for driving an async runnable without an actor system: a real io_context
/// (an io_threads the test owns), events collected in memory, the end recorded, the
/// session's history from a vector, and `cancel()` playing the runtime's cancel.
class test_run_context : public actors::run_context {
public:
  /// A run of an agent with `message` on `io`; `history` answers session_history.
  test_run_context(boost::asio::io_context& io, std::string message,
                   std::vector<actors::past_run> history = {});

  // -- run_context --------------------------------------------------------------------------
  // As actors/run_context.hpp says; emit refuses after the end or while refuse_emits lasts.

  const actors::run_info& info() const override { return info_; }
  bool emit(event_draft ev) override;
  void complete(std::optional<std::string> output, nlohmann::ordered_json fields) override;
  void fail(std::string error, nlohmann::ordered_json fields) override;
  bool cancelled() const override;
  void on_cancel(std::function<void()> f) override;
  boost::asio::io_context& io() override { return io_; }
  void start_child(actors::child_request request, actors::child_handler handler) override;
  void session_history(size_t n, std::function<void(std::vector<actors::past_run>)> done)
    override;

  // -- the test's side ----------------------------------------------------------------------
  /// Makes the next `n` emits return false (as when too many events wait).
  void refuse_emits(int n);
  /// Cancels the run: runs the on_cancel callbacks.
  void cancel();
  /// Waits (bounded) until the run ended by complete or fail; false on timeout.
  bool wait_end(std::chrono::milliseconds timeout = std::chrono::seconds{20});
  /// Waits (bounded) until `n` events were emitted; false on timeout.
  bool wait_events(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds{20});

  /// The events emitted so far.
  std::vector<event_draft> events() const;
  /// The concatenated content of the content events.
  std::string content() const;
  /// How the run ended: "completed", "failed" or "" (not yet).
  std::string end() const;
  /// complete's output or fail's error.
  std::string result() const;
  /// complete's or fail's fields.
  nlohmann::ordered_json fields() const;
  /// The `n` session_history was asked for (0: never asked).
  size_t history_asked() const;

private:
  actors::run_info info_;
  std::vector<actors::past_run> history_;
  boost::asio::io_context& io_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<event_draft> events_;
  std::vector<std::function<void()>> cancel_callbacks_;
  int refuse_ = 0;
  bool over_ = false;
  std::string end_;
  std::string result_;
  nlohmann::ordered_json fields_;
  size_t history_asked_ = 0;
};

} // namespace runcast::test
