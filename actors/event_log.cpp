#include "actors/event_log.hpp"

#include "actors/atoms.hpp"
#include "actors/event_log_state.hpp"
#include "core/event_names.hpp"
#include "core/ids.hpp"
#include "core/meta_frames.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace runcast::actors {

namespace {

using self_ptr = caf::stateful_actor<event_log_state>*;
using clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds max_retry_delay{5000};
constexpr std::chrono::milliseconds tick_interval{1000};

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

void flush(self_ptr self);

/// Store failed: keep the data, try again later (backoff up to 5 s). Events that were
/// published are never dropped; retries are idempotent on (run_id, event_index).
void retry_later(self_ptr self) {
  auto& st = self->state;
  st.retry_delay = std::min(max_retry_delay, std::max(std::chrono::milliseconds{50},
                                                      st.retry_delay * 2));
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->delayed_send(self, st.retry_delay, flush_atom::value);
  }
}

void pump_all(self_ptr self);

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

// -- subscribers ---------------------------------------------------------------------------------

/// Ends a subscription: `last` (may be null) is its final frame; `abort` asks the connection
/// to drop without a clean end, so the client knows to resume.
void end_subscriber(self_ptr self, const caf::actor_addr& key, frame_ptr last,
                    bool abort = false) {
  auto& st = self->state;
  auto i = st.subscribers.find(key);
  if (i == st.subscribers.end())
    return;
  self->send(i->second.handle, end_atom::value, std::move(last), abort);
  self->demonitor(i->second.handle);
  st.subscribers.erase(i);
}

void schedule_tick(self_ptr self) {
  auto& st = self->state;
  if (!st.tick_scheduled) {
    st.tick_scheduled = true;
    self->delayed_send(self, tick_interval, tick_atom::value);
  }
}

void pump(self_ptr self, const caf::actor_addr& key);

/// Reads [cursor, limit) from the store for a subscriber behind memory. Memory only drops
/// persisted frames, so the store holds them; if it does not, the gap is announced.
void load_from_store(self_ptr self, const caf::actor_addr& key, subscriber_entry& sub,
                     int64_t count) {
  auto& st = self->state;
  sub.loading = true;
  auto from = sub.cursor;
  self
    ->request(st.store, st.lim.store_timeout, load_atom::value, st.ctx.run_id, from,
              static_cast<uint64_t>(count))
    .then(
      [self, key, from](event_batch& batch) {
        auto& st = self->state;
        auto i = st.subscribers.find(key);
        if (i == st.subscribers.end())
          return;
        auto& sub = i->second;
        sub.loading = false;
        frame_batch out;
        for (auto& ev : batch.events) {
          if (ev.index != sub.cursor)
            break;
          out.frames.push_back(make_frame(encode_event_frame(ev.index, ev.type, ev.data)));
          ++sub.cursor;
        }
        if (sub.cursor == from) {
          // Nothing usable: the store lost [from, first_in_memory). Say so, skip ahead.
          index_gap gap{from, st.first_in_memory() - 1};
          spdlog::error("event_log {}: events {}..{} missing from the store", st.ctx.run_id,
                        gap.from, gap.to);
          out.frames.push_back(make_frame(
            catch_up_frame(st.ctx.run_id, st.next_index - st.first_in_memory(),
                           st.next_index, gap)));
          sub.cursor = st.first_in_memory();
        }
        sub.in_flight += out.frames.size();
        self->send(sub.handle, frames_atom::value, std::move(out));
        pump(self, key);
      },
      [self, key](caf::error& err) {
        auto& st = self->state;
        spdlog::warn("event_log {}: store read for a subscriber failed: {}", st.ctx.run_id,
                     self->system().render(err));
        end_subscriber(self, key,
                       make_frame(error_frame(st.ctx.run_id,
                                              "Events could not be read from the store; "
                                              "resume again later.")));
      });
}

/// Sends a subscriber what it may have: frames from memory up to its window, or a store
/// read for what memory no longer holds; then `subscribed` or the end when it reaches the head.
void pump(self_ptr self, const caf::actor_addr& key) {
  auto& st = self->state;
  auto i = st.subscribers.find(key);
  if (i == st.subscribers.end())
    return;
  auto& sub = i->second;
  if (sub.loading)
    return;
  frame_batch out;
  auto window = st.lim.subscriber_window;
  while (sub.in_flight + out.frames.size() < window && sub.cursor < st.next_index) {
    auto room = static_cast<int64_t>(window - sub.in_flight - out.frames.size());
    if (sub.cursor < st.first_in_memory()) {
      if (!out.frames.empty()) {
        sub.in_flight += out.frames.size();
        self->send(sub.handle, frames_atom::value, std::move(out));
        out = frame_batch{};
      }
      load_from_store(self, key, sub, std::min(room, st.first_in_memory() - sub.cursor));
      return;
    }
    auto offset = static_cast<size_t>(sub.cursor - st.first_in_memory());
    auto n = std::min<int64_t>(room, st.next_index - sub.cursor);
    out.frames.insert(out.frames.end(), st.frames.begin() + offset,
                      st.frames.begin() + offset + n);
    sub.cursor += n;
  }
  if (sub.cursor == st.next_index && !st.finished && sub.meta && !sub.announced_live) {
    sub.announced_live = true;
    out.frames.push_back(make_frame(subscribed_frame(st.ctx.run_id, st.next_index)));
  }
  if (!out.frames.empty()) {
    sub.in_flight += out.frames.size();
    self->send(sub.handle, frames_atom::value, std::move(out));
  }
  if (sub.cursor == st.next_index && st.finished_persisted) {
    end_subscriber(self, key, nullptr);
    return;
  }
  if (sub.in_flight >= window && sub.cursor < st.next_index) {
    if (!sub.blocked_since)
      sub.blocked_since = clock::now();
    schedule_tick(self);
  } else {
    sub.blocked_since.reset();
  }
}

void pump_all(self_ptr self) {
  // pump() may erase the entry it is given, so iterate over a copy of the keys.
  std::vector<caf::actor_addr> keys;
  keys.reserve(self->state.subscribers.size());
  for (auto& kv : self->state.subscribers)
    keys.push_back(kv.first);
  for (auto& k : keys)
    pump(self, k);
}

// -- publishing ----------------------------------------------------------------------------------

void publish(self_ptr self, std::vector<event_draft>& drafts) {
  auto& st = self->state;
  if (st.finished) {
    spdlog::warn("event_log {}: {} events after the run ended were dropped", st.ctx.run_id,
                 drafts.size());
    return;
  }
  auto created = static_cast<int64_t>(now_seconds());
  for (auto& d : drafts) {
    auto index = st.next_index++;
    auto data = encode_event_data(st.ctx, d, index, created);
    auto frame = make_frame(encode_event_frame(index, d.type, data));
    st.bytes += frame->size();
    st.frames.push_back(std::move(frame));
    st.pending.push_back({st.ctx.run_id, index, std::move(d.type), std::move(data),
                          static_cast<double>(created)});
  }
  trim(self);
  schedule_flush(self);
  pump_all(self);
}

void set_status(self_ptr self, run_outcome outcome) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.status = outcome.status;
  st.finished = is_terminal(outcome.status);
  st.status_to_write = std::move(outcome);
  if (st.finished) {
    flush(self); // no reason to wait for the group-commit timer any more
    if (st.run)
      self->demonitor(st.run);
  } else {
    schedule_flush(self);
  }
}

} // namespace

caf::behavior event_log(caf::stateful_actor<event_log_state>* self, event_context ctx,
                        limits lim, caf::actor store) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.lim = lim;
  st.store = std::move(store);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.run && dm.source == st.run.address()) {
      // A normal exit follows the final status, but down messages are high priority and may
      // overtake it in the mailbox: only an abnormal exit means the run died unfinished.
      if (!dm.reason || dm.reason == caf::exit_reason::normal)
        return;
      // The run actor died without a final status: end the run here, so that nothing stays
      // RUNNING and every subscriber gets a last event.
      spdlog::error("event_log {}: run actor died ({}) before finishing", st.ctx.run_id,
                    self->system().render(dm.reason));
      std::vector<event_draft> drafts{
        {names_for_kind(st.ctx.kind).error, std::string{"run failed unexpectedly"}}};
      publish(self, drafts);
      set_status(self, {run_status::error, std::nullopt, std::string{"run failed unexpectedly"}});
      return;
    }
    self->state.subscribers.erase(dm.source);
  });
  return {
    [self](publish_atom, draft_batch& batch) { publish(self, batch.events); },
    [self](status_atom, run_outcome& outcome) { set_status(self, std::move(outcome)); },
    [self](watch_atom, caf::actor& run) {
      self->state.run = run;
      self->monitor(run);
    },
    [self](subscribe_atom, int64_t from, bool meta) -> subscription_info {
      auto& st = self->state;
      auto handle = caf::actor_cast<caf::actor>(self->current_sender());
      auto key = handle.address();
      from = std::clamp<int64_t>(from, 0, st.next_index);
      subscriber_entry sub;
      sub.handle = handle;
      sub.cursor = from;
      sub.meta = meta;
      self->monitor(handle);
      if (meta) {
        auto missed = st.next_index - from;
        auto first = st.finished ? replay_frame(st.ctx.run_id, st.status, missed, st.next_index)
                                 : catch_up_frame(st.ctx.run_id, missed, st.next_index);
        sub.in_flight = 1;
        self->send(handle, frames_atom::value, frame_batch{{make_frame(std::move(first))}});
      }
      st.subscribers[key] = std::move(sub);
      pump(self, key);
      return {st.status, st.next_index, from};
    },
    [self](credit_atom, uint64_t n) {
      auto& st = self->state;
      auto key = caf::actor_cast<caf::actor_addr>(self->current_sender());
      auto i = st.subscribers.find(key);
      if (i == st.subscribers.end())
        return;
      i->second.in_flight -= std::min<size_t>(i->second.in_flight, n);
      pump(self, key);
    },
    [self](flush_atom) {
      self->state.flush_scheduled = false;
      flush(self);
    },
    [self](tick_atom) {
      auto& st = self->state;
      st.tick_scheduled = false;
      auto now = clock::now();
      std::vector<caf::actor_addr> stalled;
      bool still_blocked = false;
      for (auto& [key, sub] : st.subscribers) {
        if (!sub.blocked_since)
          continue;
        if (now - *sub.blocked_since >= st.lim.stall_timeout)
          stalled.push_back(key);
        else
          still_blocked = true;
      }
      for (auto& key : stalled) {
        spdlog::info("event_log {}: subscriber cut off (window full for {} ms)", st.ctx.run_id,
                     st.lim.stall_timeout.count());
        end_subscriber(self, key, nullptr, true);
      }
      if (still_blocked)
        schedule_tick(self);
    },
    [self](stats_atom) -> log_stats {
      auto& st = self->state;
      return {st.next_index, st.first_in_memory(), st.persisted, st.frames.size(), st.bytes,
              st.subscribers.size(), st.status, st.finished_persisted};
    },
    [self](shutdown_atom) {
      auto& st = self->state;
      st.shutting_down = true;
      if (st.finished_persisted)
        self->quit();
    },
    [self](expire_atom) {
      // Retention over: what memory held is in the store; resumes replay from there.
      self->quit();
    },
  };
}

} // namespace runcast::actors
