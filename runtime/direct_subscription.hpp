#pragma once

#include "actors/event_log_actor.hpp"
#include "core/frame_sink.hpp"

#include <caf/send.hpp>

#include <atomic>
#include <memory>

namespace runcast::runtime {

/// The client side's handle on a subscription its run's event log serves directly
/// (actors/direct_request.hpp): credits and close become messages to the log, by the
/// request's id. Thread-safe; closing is idempotent and also happens on destruction.
/// Without a log (the run is in the store only; `closed` is then null) it does nothing.
class direct_subscription : public subscription {
public:
  direct_subscription(actors::event_log_actor log, uint64_t id,
                      std::shared_ptr<std::atomic<bool>> closed)
    : log_(std::move(log)), id_(id), closed_(std::move(closed)) {
  }

  ~direct_subscription() override {
    close();
  }

  void credit(size_t n) override {
    if (log_ && !closed_->load(std::memory_order_relaxed))
      caf::anon_send(log_, actors::credit_atom::value, id_, static_cast<uint64_t>(n));
  }

  void close() override {
    // The flag first: a log that reads the request after this drops it (the close below
    // may reach it before the request does).
    if (log_ && !closed_->exchange(true, std::memory_order_acq_rel))
      caf::anon_send(log_, actors::close_atom::value, id_);
  }

private:
  actors::event_log_actor log_;
  uint64_t id_;
  std::shared_ptr<std::atomic<bool>> closed_;
};

} // namespace runcast::runtime
