#include "actors/event_log.hpp"

#include "actors/type_ids.hpp"
#include "actors/event_log_ops.hpp"
#include "actors/log_directory.hpp"
#include "actors/run_actor.hpp"
#include "core/event_names.hpp"
#include "core/ids.hpp"
#include "core/meta_frames.hpp"
#include "core/log_format.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace runcast::actors {

using namespace log_ops;

namespace {

// -- publishing ----------------------------------------------------------------------------------

void publish(self_ptr self, std::vector<event_draft>& drafts) {
  auto& st = self->state;
  if (st.finished) {
    logs::run(spdlog::level::warn, st.ctx,
              std::to_string(drafts.size()) + " events after the run ended were dropped");
    return;
  }
  auto created = static_cast<int64_t>(now_seconds());
  for (auto& d : drafts) {
    auto index = st.frames.end();
    // Encoded into a reused buffer, then copied once into a frame of exactly its size: the
    // frame is all an event costs in memory (its subscribers and its store write share it).
    st.scratch.clear();
    auto layout = st.encoder.encode_frame(d, index, created, st.scratch);
    auto frame = make_frame(st.scratch);
    st.frames.append(frame);
    st.writes.push({std::move(frame), index, static_cast<double>(created), layout});
  }
  st.services.metrics->events_emitted.fetch_add(drafts.size(), std::memory_order_relaxed);
  st.report_memory();
  // Subscribers see these once they are stored (flush → pump_all).
  flush(self);
  check_pressure(self);
}

void set_status(self_ptr self, run_outcome outcome) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.status = outcome.status;
  st.finished = is_terminal(outcome.status);
  if (st.finished) {
    st.services.metrics->run_finished(st.ctx.kind, outcome.status);
    logs::run(spdlog::level::info, st.ctx,
              "run finished: " + std::string{to_string(outcome.status)});
  }
  st.writes.set_status(std::move(outcome));
  if (st.finished && st.run)
    self->demonitor(st.run);
  flush(self);
}

/// A subscriber left without an end from us (its actor went down, or its client closed).
void subscriber_gone(self_ptr self) {
  self->state.services.metrics->subscriber_removed(node_metrics::subscriber_kind::local);
  quit_if_expired(self);
}

/// `n` more frames were written by the subscriber's client: its window reopens.
void credit(self_ptr self, const subscriber_key& key, uint64_t n) {
  auto& st = self->state;
  auto i = st.subscribers.find(key);
  if (i == st.subscribers.end())
    return;
  i->second.window.credited(static_cast<size_t>(n));
  pump(self, key);
}

} // namespace

event_log_impl::behavior_type event_log(self_ptr self, event_context ctx, limits lim,
                                        log_services services) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.encoder = event_encoder{st.ctx};
  st.lim = lim;
  st.services = std::move(services);
  st.frames = frame_buffer{lim.retain_events, lim.retain_bytes};
  st.writes = write_behind{lim.flush_batch, lim.store_retry_max};
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.run && dm.source == st.run.address()) {
      // A normal exit follows the final status, but down messages are high priority and may
      // overtake it in the mailbox: only an abnormal exit means the run died unfinished.
      if (!dm.reason || dm.reason == caf::exit_reason::normal)
        return;
      // The run actor died without a final status: end the run here, so that nothing stays
      // RUNNING and every subscriber gets a last event.
      logs::run(spdlog::level::err, st.ctx,
                "run actor died (" + self->system().render(dm.reason) + ") before finishing");
      std::vector<event_draft> drafts{
        {names_for_kind(st.ctx.kind).error, std::string{"run failed unexpectedly"}}};
      publish(self, drafts);
      set_status(self, {run_status::error, std::nullopt, std::string{"run failed unexpectedly"}});
      return;
    }
    if (self->state.subscribers.erase(subscriber_key{dm.source}) > 0)
      subscriber_gone(self);
  });

  return {
    [self](publish_atom, draft_batch& batch) {
      publish(self, batch.events);
      // The run actor publishes its next batch only once this one is taken (at most
      // max_unacked_batches wait here), so a pause takes effect within a batch or two.
      if (auto sender = self->current_sender())
        self->send(caf::actor_cast<run_actor>(sender), credit_atom::value, uint64_t{1});
    },
    [self](status_atom, run_outcome& outcome) { set_status(self, std::move(outcome)); },
    [self](watch_atom, caf::actor& run) {
      self->state.run = run;
      self->monitor(run);
    },
    [self](subscribe_atom, int64_t from, bool meta) -> subscription_info {
      // The sender is the subscriber: frames go back to it.
      subscriber_entry sub;
      sub.handle = caf::actor_cast<subscriber_actor>(self->current_sender());
      sub.cursor = from;
      sub.meta = meta;
      auto key = subscriber_key{sub.handle.address()};
      return add_subscriber(self, key, std::move(sub));
    },
    [self](credit_atom, uint64_t n) {
      auto key = subscriber_key{caf::actor_cast<caf::actor_addr>(self->current_sender())};
      credit(self, key, n);
    },
    [self](subscribe_atom, direct_request_ptr& req) {
      auto sink = req->take();
      if (req->client_left())
        return; // closed before it reached us: nothing to serve, nothing to end
      subscriber_entry sub;
      sub.sink = std::move(sink);
      sub.cursor = req->from();
      sub.meta = req->meta();
      add_subscriber(self, subscriber_key{req->id()}, std::move(sub));
    },
    [self](credit_atom, uint64_t id, uint64_t n) { credit(self, subscriber_key{id}, n); },
    [self](close_atom, uint64_t id) {
      // The client left: its stream is closed, so there is nobody to send an end to.
      if (self->state.subscribers.erase(subscriber_key{id}) > 0)
        subscriber_gone(self);
    },
    [self](flush_atom) {
      self->state.retry_scheduled = false;
      flush(self);
    },
    [self](pause_atom) {
      self->state.pressure_check_scheduled = false;
      check_pressure(self);
    },
    [self](tick_atom) { cut_stalled(self); },
    [self](stats_atom) -> log_stats {
      auto& st = self->state;
      return {st.frames.end(), st.frames.first(), st.frames.persisted(), st.frames.size(),
              st.frames.bytes(), st.subscribers.size(), st.status, st.finished_persisted};
    },
    [self](shutdown_atom) {
      auto& st = self->state;
      st.shutting_down = true;
      if (st.finished_persisted)
        self->quit();
    },
    [self](expire_atom) {
      // Retention over (or evicted): what memory held is in the store; resumes replay from
      // there. Only a finished, persisted log is ever told to expire. Subscribers still
      // reading are served from the store until they end; then the log quits.
      auto& st = self->state;
      st.expiring = true;
      if (st.services.directory)
        st.services.directory->let_go(st.ctx.run_id);
      st.frames.drop_persisted();
      st.report_memory();
      if (st.retained) {
        st.services.budget->release(*st.retained);
        st.retained.reset();
      }
      quit_if_expired(self);
    },
  };
}

} // namespace runcast::actors
