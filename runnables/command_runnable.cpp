#include "runnables/command_runnable.hpp"

#include "runnables/child_process.hpp"
#include "runnables/run_process.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <stdexcept>

namespace runcast::runnables {

/// One run. Every member is touched on `strand` only, the process's strand too, so line
/// handling, timers and the cancel never race.
struct command_runnable::state : std::enable_shared_from_this<state> {
  state(std::shared_ptr<actors::run_context> c, command_config cfg)
    : ctx(std::move(c)), config(std::move(cfg)), strand(boost::asio::make_strand(ctx->io())),
      timeout_timer(strand), retry_timer(strand) {
  }

  void launch(const std::string& message, const std::shared_ptr<process_slots>& slots);
  bool on_line(const std::string& text);
  void on_exit(process_exit e);
  void stop();

  std::shared_ptr<actors::run_context> ctx;
  command_config config;
  child_process::executor_type strand;
  boost::asio::steady_timer timeout_timer;
  boost::asio::steady_timer retry_timer;
  process_slots::lease slot;
  /// Weak: the process's pending operations keep it alive while it runs, so a dying
  /// io_context destroys it (killing its group) instead of a cycle keeping it alive.
  std::weak_ptr<child_process> proc;
  std::string output; ///< the completed event's content, up to max_output_bytes
  bool truncated = false;
  bool timed_out = false;
  bool stopping = false; ///< cancelled or timed out: what the process still writes is dropped
};

void command_runnable::state::launch(const std::string& message,
                                     const std::shared_ptr<process_slots>& slots) {
  if (stopping || ctx->cancelled())
    return;
  if (slots && !(slot = slots->try_acquire())) {
    ctx->fail(no_process_slot_error(*slots));
    return;
  }
  process_options opts;
  opts.argv = config.argv_for(message);
  opts.cwd = config.cwd;
  opts.env_allow = config.env;
  auto self = shared_from_this();
  try {
    proc = child_process::start(
      strand, opts, config.message_as_argument ? std::string{} : message,
      [self](const std::string& text) { return self->on_line(text); },
      [self](process_exit e) { self->on_exit(std::move(e)); });
  } catch (const std::runtime_error& e) {
    slot.reset();
    ctx->fail(e.what());
    return;
  }
  timeout_timer.expires_after(config.timeout);
  timeout_timer.async_wait([self](const boost::system::error_code& ec) {
    if (ec)
      return;
    self->timed_out = true;
    self->stop();
  });
}

bool command_runnable::state::on_line(const std::string& text) {
  if (stopping)
    return true; // taken and dropped, so the pipes drain and the end is seen
  if (!ctx->emit_content(text)) {
    if (ctx->cancelled()) {
      stop();
      return true;
    }
    // Too many events wait for the run actor: keep the line, stop reading the pipe (the
    // process blocks on it) and offer the line again shortly — a timer, not a spin.
    retry_timer.expires_after(retry_delay);
    retry_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopping)
        return;
      if (auto p = self->proc.lock())
        p->resume();
    });
    return false;
  }
  auto room = config.max_output_bytes - output.size();
  if (text.size() > room)
    truncated = true;
  output.append(text, 0, std::min(room, text.size()));
  return true;
}

void command_runnable::state::on_exit(process_exit e) {
  timeout_timer.cancel();
  retry_timer.cancel();
  slot.reset();
  if (timed_out) {
    ctx->fail("timed out after " + std::to_string(config.timeout.count()) + " ms");
    return;
  }
  if (ctx->cancelled())
    return; // the run actor has ended the run CANCELLED
  if (e.success()) {
    if (truncated)
      output += std::string{output.empty() || output.back() == '\n' ? "" : "\n"} +
                "[output truncated to its first " + std::to_string(config.max_output_bytes) +
                " bytes]";
    ctx->complete(std::move(output));
    return;
  }
  auto tail = std::move(e.stderr_tail);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r'))
    tail.pop_back();
  ctx->fail(e.describe() + (tail.empty() ? std::string{} : ": " + tail));
}

void command_runnable::state::stop() {
  stopping = true;
  retry_timer.cancel();
  if (auto p = proc.lock()) {
    p->terminate(config.kill_grace);
    p->resume(); // a paused reader would never see the pipes close
  }
}

command_runnable::command_runnable(command_config config, std::string message,
                                   std::shared_ptr<process_slots> slots)
  : config_(std::move(config)), message_(std::move(message)), slots_(std::move(slots)) {
}

void command_runnable::start(std::shared_ptr<actors::run_context> ctx) {
  auto st = std::make_shared<state>(ctx, config_);
  // The cancel callback runs on a runtime thread; the state belongs to the strand.
  ctx->on_cancel([weak = std::weak_ptr<state>(st)] {
    if (auto s = weak.lock())
      boost::asio::post(s->strand, [s] { s->stop(); });
  });
  // Launched from within the strand: no handler of the process runs before `proc` is set.
  boost::asio::post(st->strand, [st, message = message_, slots = slots_] {
    st->launch(message, slots);
  });
}

} // namespace runcast::runnables
