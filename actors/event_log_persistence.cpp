#include "actors/event_log_ops.hpp"

#include "actors/type_ids.hpp"
#include "core/meta_frames.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace runcast::actors::log_ops {

namespace {

/// Store failed: keep the data, try again later (backoff up to 5 s). Events that were
/// published are never dropped; retries are idempotent on (run_id, event_index).
void retry_later(self_ptr self);

void on_finished_persisted(self_ptr self);

} // namespace

// -- memory ------------------------------------------------------------------------------------

/// Drops the oldest frames while over the bounds. Only persisted frames go: whatever memory
/// lets go of, the store can serve, so trimming never opens a gap.
void trim(self_ptr self) {
  auto& st = self->state;
  while (!st.frames.empty()
         && (st.frames.size() > st.lim.retain_events || st.bytes > st.lim.retain_bytes)
         && st.first_in_memory() < st.persisted) {
    st.bytes -= st.frames.front()->size();
    st.frames.pop_front();
  }
}

// -- persistence ---------------------------------------------------------------------------------

namespace {

void retry_later(self_ptr self) {
  auto& st = self->state;
  st.retry_delay = std::min(st.lim.store_retry_max, std::max(std::chrono::milliseconds{50},
                                                      st.retry_delay * 2));
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->delayed_send(self, st.retry_delay, flush_atom::value);
  }
}

void on_finished_persisted(self_ptr self) {
  auto& st = self->state;
  st.finished_persisted = true;
  trim(self);
  pump_all(self); // subscribers at the head can now end
  if (st.shutting_down)
    self->quit();
  else
    self->delayed_send(self, st.lim.retention, expire_atom::value);
}

} // namespace

/// One write in flight at a time keeps the store in index order: events first, then the
/// status that follows them.
void flush(self_ptr self) {
  auto& st = self->state;
  if (!st.writing.empty() || st.status_writing)
    return;
  if (!st.pending.empty()) {
    // At most one batch per transaction, even after an outage let thousands pile up: each
    // write stays short and well inside the store timeout.
    auto n = std::min(st.pending.size(), st.lim.flush_batch);
    st.writing.assign(std::make_move_iterator(st.pending.begin()),
                      std::make_move_iterator(st.pending.begin() + static_cast<long>(n)));
    st.pending.erase(st.pending.begin(), st.pending.begin() + static_cast<long>(n));
    self->request(st.store, st.lim.store_timeout, append_atom::value, event_batch{st.writing})
      .then(
        [self](int64_t) {
          auto& st = self->state;
          st.persisted = st.writing.back().index + 1;
          st.writing.clear();
          st.retry_delay = std::chrono::milliseconds{0};
          trim(self);
          flush(self);
        },
        [self](caf::error& err) {
          auto& st = self->state;
          spdlog::warn("event_log {}: persisting {} events failed ({}), will retry",
                       st.ctx.run_id, st.writing.size(), self->system().render(err));
          // Back to the front, in order: the retry writes exactly these first.
          st.pending.insert(st.pending.begin(), std::make_move_iterator(st.writing.begin()),
                            std::make_move_iterator(st.writing.end()));
          st.writing.clear();
          retry_later(self);
        });
    return;
  }
  if (st.status_to_write) {
    st.status_writing = true;
    auto outcome = *st.status_to_write;
    self->request(st.store, st.lim.store_timeout, status_atom::value, st.ctx.run_id, outcome)
      .then(
        [self, outcome](bool) {
          auto& st = self->state;
          st.status_writing = false;
          // A newer status may have been queued meanwhile; only clear what we wrote.
          if (st.status_to_write && st.status_to_write->status == outcome.status)
            st.status_to_write.reset();
          st.retry_delay = std::chrono::milliseconds{0};
          if (is_terminal(outcome.status) && !st.finished_persisted)
            on_finished_persisted(self);
          flush(self);
        },
        [self](caf::error& err) {
          auto& st = self->state;
          st.status_writing = false;
          spdlog::warn("event_log {}: persisting status failed ({}), will retry",
                       st.ctx.run_id, self->system().render(err));
          retry_later(self);
        });
  }
}

void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (st.pending.size() >= st.lim.flush_batch) {
    flush(self);
  } else if (!st.flush_scheduled) {
    // Group commit: wait a little so that a burst of events shares one transaction.
    st.flush_scheduled = true;
    self->delayed_send(self, st.lim.flush_delay, flush_atom::value);
  }
}

} // namespace runcast::actors::log_ops
