#pragma once

// How the engine's plain C++ calls ask an actor once without blocking a thread
// (`request_once`), and the edge ThreadSanitizer needs for it (`handoff_gate`).

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>

namespace runcast::runtime::detail {

#if defined(__SANITIZE_THREAD__)
/// Under ThreadSanitizer only: a mutex the caller holds while it hands work to CAF and the
/// actor takes before it starts. Debian's CAF is not instrumented, so TSan cannot see that
/// its spawn orders everything the caller did before against everything the actor does;
/// without this edge every object a callback reaches (an HTTP session, say) looks raced.
struct handoff_gate {
  handoff_gate() : mutex(std::make_shared<std::mutex>()) {
    mutex->lock();
  }
  void open() {
    mutex->unlock();
  }
  void pass() const {
    std::lock_guard<std::mutex> guard{*mutex};
  }
  std::shared_ptr<std::mutex> mutex;
};
#else
struct handoff_gate {
  void open() {
  }
  void pass() const {
  }
};
#endif

/// `f` with the same parameters, passing `gate` first: a reply may run on another CAF
/// worker than the one that started the actor.
template <class F, class... Args>
auto behind(handoff_gate gate, F f, caf::detail::type_list<Args...>) {
  return [gate, f](Args... xs) mutable {
    gate.pass();
    f(std::forward<Args>(xs)...);
  };
}

/// Sends one request from a short-lived actor and hands the reply to `on_reply`, or the
/// error to `on_error`; the actor ends with the answer. This is how a plain C++ caller
/// talks to an actor without blocking a thread.
template <class Handle, class OnReply, class OnError, class... Ts>
void request_once(caf::actor_system& sys, Handle dest, std::chrono::milliseconds timeout,
                  OnReply on_reply, OnError on_error, Ts... xs) {
  handoff_gate gate;
  using reply_args = typename caf::detail::get_callable_trait<OnReply>::arg_types;
  // The message is moved all the way (it may hold a run's whole input), never copied.
  sys.spawn([gate, dest, timeout, on_reply = std::move(on_reply), on_error = std::move(on_error),
             msg = std::make_tuple(std::move(xs)...)](caf::event_based_actor* self) mutable {
    gate.pass();
    std::apply(
      [&](auto&... ys) {
        self->request(dest, timeout, std::move(ys)...)
          .then(behind(gate, std::move(on_reply), reply_args{}),
                [gate, on_error](caf::error& err) {
                  gate.pass();
                  on_error(err);
                });
      },
      msg);
  });
  gate.open();
}

} // namespace runcast::runtime::detail
