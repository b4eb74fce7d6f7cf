#include "runnables/run_process.hpp"

#include "runnables/child_process.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <stdexcept>

namespace runcast::runnables {

namespace {

/// One run's state; every member is touched on `strand` only.
struct one_shot {
  one_shot(child_process::executor_type s, run_limits l, std::function<void(process_result)> d)
    : strand(std::move(s)), timer(strand), limits(l), done(std::move(d)) {
  }

  child_process::executor_type strand;
  boost::asio::steady_timer timer;
  run_limits limits;
  std::function<void(process_result)> done;
  process_slots::lease slot;
  /// Weak: the process's own pending operations keep it alive, so an io_context destroyed
  /// with the process running destroys it (which kills its group) instead of a cycle
  /// (proc -> handlers -> this -> proc) keeping it alive.
  std::weak_ptr<child_process> proc;
  process_result result;
};

} // namespace

std::string no_process_slot_error(const process_slots& slots) {
  return "too many child processes: this node runs at most " + std::to_string(slots.limit()) +
         " at once (max_child_processes)";
}

void run_process(boost::asio::io_context& io, const process_options& opts,
                 std::string stdin_bytes, run_limits limits,
                 std::function<void(process_result)> done,
                 std::shared_ptr<process_slots> slots) {
  auto st = std::make_shared<one_shot>(boost::asio::make_strand(io), limits, std::move(done));
  // Started from within the strand: no handler of the process can run before `proc` and
  // the timer are set up.
  boost::asio::post(st->strand, [st, opts, stdin = std::move(stdin_bytes),
                                 slots = std::move(slots)]() mutable {
    if (slots && !(st->slot = slots->try_acquire())) {
      st->result.error = no_process_slot_error(*slots);
      st->done(std::move(st->result));
      return;
    }
    auto on_line = [st](const std::string& text) {
      auto& r = st->result;
      auto room = st->limits.max_stdout_bytes - r.out.size();
      if (text.size() > room)
        r.out_truncated = true;
      r.out.append(text, 0, std::min(room, text.size()));
      return true; // past the bound stdout is still read, so the process is never stuck
    };
    auto on_exit = [st](process_exit e) {
      st->timer.cancel();
      st->result.status = e.status;
      st->result.signal = e.signal;
      st->result.stderr_tail = std::move(e.stderr_tail);
      st->proc.reset();
      st->slot.reset();
      st->done(std::move(st->result));
    };
    try {
      st->proc = child_process::start(st->strand, opts, std::move(stdin), on_line, on_exit);
    } catch (const std::runtime_error& e) {
      st->result.error = e.what();
      st->slot.reset();
      st->done(std::move(st->result));
      return;
    }
    st->timer.expires_after(st->limits.timeout);
    st->timer.async_wait([st](const boost::system::error_code& ec) {
      auto proc = st->proc.lock();
      if (ec || !proc)
        return;
      st->result.timed_out = true;
      proc->terminate(st->limits.kill_grace);
    });
  });
}

} // namespace runcast::runnables
