#pragma once

#include "actors/protocol.hpp"
#include "actors/run_context.hpp"

#include <caf/actor_control_block.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <atomic>
#include <mutex>
#include <vector>

namespace runcast::actors {

/// The run_context an async_runnable gets. Producer threads fill a pending list under a
/// mutex; the first event after a hand-off sends the run actor one `drain_atom`, and the
/// run actor takes everything that piled up as one batch. It holds the run actor weakly:
/// the actor owns this context, not the other way round.
class run_context_impl : public run_context {
public:
  run_context_impl(run_info info, caf::actor_control_block* run_actor,
                   boost::asio::io_context& io, size_t max_pending,
                   history_reader history = {});

  // -- run_context ------------------------------------------------------------------------

  const run_info& info() const override;
  bool emit(event_draft ev) override;
  void complete(std::optional<std::string> output, nlohmann::ordered_json fields) override;
  void fail(std::string error, nlohmann::ordered_json fields) override;
  bool cancelled() const override;
  void on_cancel(std::function<void()> f) override;
  boost::asio::io_context& io() override;
  void start_child(child_request request, child_handler handler) override;
  void session_history(size_t n, std::function<void(std::vector<past_run>)> done) override;

  // -- the run actor's side --------------------------------------------------------------------

  /// What the producer handed over since the last drain.
  struct drained {
    std::vector<event_draft> events;
    std::optional<run_outcome> outcome; ///< set once the producer ended the run
  };

  /// Takes the pending events (and the outcome, once given).
  drained drain();

  /// The run is over: refuse what comes next and run the cancel callbacks (once).
  void close();

private:
  /// Asks the run actor for a drain unless one is already on its way. Needs mutex_.
  void request_drain();

  run_info info_;
  caf::weak_actor_ptr run_actor_;
  boost::asio::io_context& io_;
  size_t max_pending_;
  history_reader history_;
  std::atomic<bool> closed_{false};
  mutable std::mutex mutex_;
  std::vector<event_draft> pending_;
  std::optional<run_outcome> outcome_; ///< given, not yet drained
  bool ended_ = false;                 ///< the producer ended the run
  bool drain_requested_ = false;
  std::vector<std::function<void()>> on_cancel_;
};

} // namespace runcast::actors
