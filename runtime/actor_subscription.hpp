#pragma once

#include "actors/subscriber_actor.hpp"
#include "core/frame_sink.hpp"

#include <caf/actor.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <cstdint>

namespace runcast::runtime {

/// The client side's handle on a subscriber actor: credits and close become messages.
class actor_subscription : public subscription {
public:
  explicit actor_subscription(actors::subscriber_actor sub) : sub_(std::move(sub)) {
  }

  ~actor_subscription() override {
    close();
  }

  void credit(size_t n) override {
    caf::anon_send(sub_, actors::credit_atom::value, static_cast<uint64_t>(n));
  }

  void close() override {
    if (!closed_.exchange(true))
      caf::anon_send(sub_, actors::close_atom::value);
  }

private:
  actors::subscriber_actor sub_;
  std::atomic<bool> closed_{false};
};

} // namespace runcast::runtime
