#include "actors/event_log_ops.hpp"
#include "actors/log_directory.hpp"

#include "actors/run_actor.hpp"
#include "actors/type_ids.hpp"
#include "core/log_format.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace runcast::actors::log_ops {

namespace {

using clock = std::chrono::steady_clock;

/// How often a paused producer's log looks again whether the node has room (its own writes
/// wake it too; this covers a pause caused by other runs).
constexpr std::chrono::milliseconds pressure_recheck{50};

/// The store has failed every write for `limits::store_outage`: the run cannot go on. The
/// run actor ends it ERROR; its last events wait here and are written when the store is
/// back (retries go on), so the run's end is never lost.
void give_up(self_ptr self) {
  auto& st = self->state;
  st.store_gave_up = true;
  st.services.budget->count_store_failure();
  auto ms = std::to_string(st.lim.store_outage.count()) + " ms";
  logs::run(spdlog::level::err, st.ctx, "the store took no write for " + ms + "; failing the run");
  if (st.run)
    self->send(caf::actor_cast<run_actor>(st.run), fail_atom::value,
               "store unavailable: events could not be persisted for " + ms);
}

/// A write failed: its data waits again, first in line, and is retried after a back-off.
/// Logged when an outage begins and when it ends, not once per retry.
void write_failed(self_ptr self, const char* what, const caf::error& err) {
  auto& st = self->state;
  bool first = !st.writes.failing_since();
  auto delay = st.writes.failed(clock::now());
  if (first)
    logs::run(spdlog::level::warn, st.ctx,
              std::string{what} + " failed (" + self->system().render(err)
                + "); retrying until the store answers");
  if (clock::now() - *st.writes.failing_since() >= st.lim.store_outage) {
    if (!st.finished && !st.store_gave_up)
      give_up(self);
    // Its bytes wait for the store, not for room: they no longer count against the node,
    // so that other runs, whose writes succeed, are not paused by this one for good.
    if (!st.outlasted_outage) {
      st.outlasted_outage = true;
      check_pressure(self);
    }
  }
  if (!st.retry_scheduled) {
    st.services.metrics->store_retries.fetch_add(1, std::memory_order_relaxed);
    st.retry_scheduled = true;
    self->delayed_send(self, delay, flush_atom::value);
  }
}

void write_succeeded(self_ptr self) {
  auto& st = self->state;
  if (st.writes.failing_since())
    logs::run(spdlog::level::info, st.ctx, "the store answers again");
  st.outlasted_outage = false;
}

void on_finished_persisted(self_ptr self) {
  auto& st = self->state;
  st.finished_persisted = true;
  st.frames.trim();
  st.report_memory();
  if (st.shutting_down) {
    if (st.services.directory)
      st.services.directory->finished(st.ctx.run_id, st.status, st.frames.persisted());
    pump_all(self); // subscribers at the head can now end
    self->quit();
    return;
  }
  // The node bounds finished logs by count and bytes (the least recently used one goes
  // first, and the store serves its run from then on) and by age (`limits::retention`,
  // swept by the run manager). The handle is weak: the budget must not keep an actor alive.
  auto addr = self->address();
  st.retained = st.services.budget->retain(
    st.frames.bytes(),
    [addr] {
      if (auto log = caf::actor_cast<caf::actor>(addr))
        caf::anon_send(log, expire_atom::value);
    },
    self->clock().now());
  // A resume of this run now knows it is over without the store, and a local client reads
  // the frames kept here itself, with no message to this log (engine::subscribe).
  if (st.services.directory) {
    auto frozen = st.frames.persisted() == st.frames.end() ? st.frames.freeze() : nullptr;
    st.services.directory->finished(st.ctx.run_id, st.status, st.frames.persisted(),
                                    std::move(frozen), st.retained);
  }
  // After the directory: a client told the run is over that comes straight back finds it.
  pump_all(self); // subscribers at the head can now end
}

} // namespace

void flush(self_ptr self) {
  auto& st = self->state;
  if (st.retry_scheduled)
    return; // a failed write waits for its back-off; new events join it then
  // Writes carry no CAF timeout: the store bounds each call (statement_timeout, SQLite's busy
  // timeout) and answers an error, and a CAF request timer would keep this log allocated
  // until it fired, long after the write was done (CAF 0.17 does not cancel it).
  if (auto batch = st.writes.begin_events()) {
    self->request(st.services.writer, caf::infinite, append_atom::value,
                  pending_batch{st.ctx.run_id, std::move(batch)})
      .then(
        [self](int64_t written) {
          auto& st = self->state;
          write_succeeded(self);
          st.services.metrics->events_persisted.fetch_add(static_cast<uint64_t>(written),
                                                          std::memory_order_relaxed);
          st.frames.mark_persisted(st.writes.events_written());
          st.frames.trim();
          st.report_memory();
          check_pressure(self);
          pump_all(self); // what was just persisted may now be streamed
          flush(self);
        },
        [self](caf::error& err) { write_failed(self, "persisting events", err); });
    return;
  }
  if (auto outcome = st.writes.begin_status()) {
    self->request(st.services.writer, caf::infinite, status_atom::value, st.ctx.run_id,
                  *outcome)
      .then(
        [self, written = *outcome](bool) {
          auto& st = self->state;
          write_succeeded(self);
          if (st.writes.status_written(written) && !st.finished_persisted)
            on_finished_persisted(self);
          flush(self);
        },
        [self](caf::error& err) { write_failed(self, "persisting the status", err); });
  }
}

void check_pressure(self_ptr self) {
  auto& st = self->state;
  // The write-behind queue holds the same frames: their bytes are counted once, here.
  auto mine = static_cast<int64_t>(st.frames.unpersisted_bytes());
  auto counted = st.outlasted_outage ? 0 : mine;
  st.services.budget->add_unpersisted(counted - st.reported_unpersisted);
  st.reported_unpersisted = counted;
  if (!st.run || st.finished)
    return;
  auto bound = static_cast<int64_t>(st.lim.unpersisted_bytes);
  if (!st.producer_paused && (mine > bound || st.services.budget->unpersisted_over())) {
    st.producer_paused = true;
    st.services.budget->count_pause();
    self->send(caf::actor_cast<run_actor>(st.run), pause_atom::value, true);
  } else if (st.producer_paused && mine <= bound / 2
             && st.services.budget->unpersisted_relieved()) {
    st.producer_paused = false;
    self->send(caf::actor_cast<run_actor>(st.run), pause_atom::value, false);
  }
  if (st.producer_paused && !st.pressure_check_scheduled) {
    st.pressure_check_scheduled = true;
    self->delayed_send(self, pressure_recheck, pause_atom::value);
  }
}

} // namespace runcast::actors::log_ops

namespace runcast::actors {

void event_log_state::report_memory() {
  auto held = static_cast<int64_t>(frames.size());
  auto bytes = static_cast<int64_t>(frames.bytes());
  if (services.metrics && (held != reported_frames || bytes != reported_bytes)) {
    services.metrics->log_frames.fetch_add(held - reported_frames, std::memory_order_relaxed);
    services.metrics->log_bytes.fetch_add(bytes - reported_bytes, std::memory_order_relaxed);
  }
  reported_frames = held;
  reported_bytes = bytes;
}

event_log_state::~event_log_state() {
  log_ops::end_direct_subscribers(*this);
  // However the log ends, the node's budget and metrics forget it.
  if (services.metrics) {
    for (size_t i = 0; i < subscribers.size(); ++i)
      services.metrics->subscriber_removed(node_metrics::subscriber_kind::local);
    services.metrics->log_frames.fetch_sub(reported_frames, std::memory_order_relaxed);
    services.metrics->log_bytes.fetch_sub(reported_bytes, std::memory_order_relaxed);
  }
  if (services.budget) {
    services.budget->add_unpersisted(-reported_unpersisted);
    if (retained)
      services.budget->release(*retained);
  }
}

} // namespace runcast::actors
