#include "actors/event_log_ops.hpp"

#include "actors/type_ids.hpp"
#include "core/meta_frames.hpp"
#include "core/store_cursor.hpp"
#include "core/tsan_handoff.hpp"
#include "core/log_format.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace runcast::actors::log_ops {

namespace {

using clock = std::chrono::steady_clock;

} // namespace

// -- subscribers ---------------------------------------------------------------------------------

void send_frames(self_ptr self, subscriber_entry& sub, frame_batch batch) {
  for (const auto& f : batch.frames)
    tsan_release(f.get()); // read on the subscriber's side (core/tsan_handoff.hpp)
  sub.window.sent(batch.frames.size());
  if (sub.sink)
    sub.sink->on_frames(std::move(batch.frames));
  else
    self->send(sub.handle, frames_atom::value, std::move(batch));
}

/// Ends a subscription: `last` (may be null) is its final frame; `abort` asks the connection
/// to drop without a clean end, so the client knows to resume.
void end_subscriber(self_ptr self, const subscriber_key& key, frame_ptr last, bool abort) {
  auto& st = self->state;
  auto i = st.subscribers.find(key);
  if (i == st.subscribers.end())
    return;
  if (i->second.sink) {
    i->second.sink->on_end(std::move(last), abort);
  } else {
    self->send(i->second.handle, end_atom::value, std::move(last), abort);
    self->demonitor(i->second.handle.address());
  }
  st.subscribers.erase(i);
  st.services.metrics->subscriber_removed(node_metrics::subscriber_kind::local);
  quit_if_expired(self);
}

subscription_info add_subscriber(self_ptr self, const subscriber_key& key, subscriber_entry sub) {
  auto& st = self->state;
  // Only stored events are shown, so a cursor past them has nothing to wait for here
  // that another node could not give it: it starts at the visible head.
  auto head = st.visible();
  sub.cursor = std::clamp<int64_t>(sub.cursor, 0, head);
  sub.window = flow_window{st.lim.subscriber_window};
  if (sub.handle)
    self->monitor(sub.handle);
  if (st.retained)
    st.services.budget->touch(*st.retained);
  auto& metrics = *st.services.metrics;
  metrics.subscriber_added(node_metrics::subscriber_kind::local);
  if (sub.meta) {
    metrics.resumed(st.finished_persisted ? node_metrics::resume::replay
                                          : node_metrics::resume::catch_up);
    auto missed = head - sub.cursor;
    auto first = st.finished_persisted ? replay_frame(st.ctx.run_id, st.status, missed, head)
                                       : catch_up_frame(st.ctx.run_id, missed, head);
    send_frames(self, sub, frame_batch{{make_frame(std::move(first))}});
  }
  auto from = sub.cursor;
  st.subscribers[key] = std::move(sub);
  pump(self, key);
  return {st.status, head, from};
}

void end_direct_subscribers(event_log_state& st) {
  frame_ptr stopped;
  for (auto& [key, sub] : st.subscribers) {
    if (!sub.sink)
      continue; // a subscriber actor sees the log go down and says the same
    if (!stopped)
      stopped = make_frame(
        error_frame(st.ctx.run_id, "The run's event log stopped; resume to continue."));
    // Not an abort: the client has everything that was stored, then this frame.
    sub.sink->on_end(stopped, false);
  }
}

void quit_if_expired(self_ptr self) {
  if (self->state.expiring && self->state.subscribers.empty())
    self->quit();
}

namespace {

void schedule_tick(self_ptr self) {
  auto& st = self->state;
  if (!st.tick_scheduled) {
    st.tick_scheduled = true;
    self->delayed_send(self, st.lim.stall_check, tick_atom::value);
  }
}

/// The meta frame that announces a gap to a subscriber of this log.
std::string gap_frame(const event_log_state& st, const index_gap& gap) {
  auto missed = std::max<int64_t>(0, st.visible() - gap.to - 1);
  return st.finished_persisted ? replay_frame(st.ctx.run_id, st.status, missed, st.visible(), gap)
                               : catch_up_frame(st.ctx.run_id, missed, st.visible(), gap);
}

/// Reads up to `count` events from the subscriber's cursor on, for what memory no longer
/// holds, through the store cursor every store replay uses (core/store_cursor.hpp): a hole
/// in the store becomes a meta frame naming the missing range.
void load_from_store(self_ptr self, const subscriber_key& key, subscriber_entry& sub,
                     int64_t count) {
  auto& st = self->state;
  sub.loading = true;
  self
    ->request(st.services.reader, st.lim.store_timeout, load_atom::value, st.ctx.run_id,
              sub.cursor, static_cast<uint64_t>(count))
    .then(
      [self, key](event_batch& batch) {
        for (const auto& ev : batch.events)
          tsan_acquire(ev.frame.get()); // made on the store's thread (core/tsan_handoff.hpp)
        auto& st = self->state;
        auto i = st.subscribers.find(key);
        if (i == st.subscribers.end())
          return;
        auto& sub = i->second;
        sub.loading = false;
        store_cursor cursor{sub.cursor, [&st](const index_gap& gap) {
                              logs::run(spdlog::level::err, st.ctx,
                                        "events " + std::to_string(gap.from) + ".."
                                          + std::to_string(gap.to) + " missing from the store");
                              st.services.metrics->resumed(node_metrics::resume::gap);
                              return gap_frame(st, gap);
                            }};
        // What memory holds comes from memory (a hole below it may make the store return
        // rows from there on): only [cursor, first in memory) is taken from this read.
        auto first = st.frames.first();
        auto& evs = batch.events;
        evs.erase(std::find_if(evs.begin(), evs.end(),
                               [first](const stored_frame& ev) { return ev.index >= first; }),
                  evs.end());
        frame_batch out;
        if (batch.events.empty()) {
          // The store has nothing from the cursor on, yet memory starts later: lost rows.
          out.frames.push_back(cursor.finish(st.frames.first()));
        } else {
          out.frames = cursor.take(std::move(batch.events));
        }
        sub.cursor = cursor.position();
        send_frames(self, sub, std::move(out));
        pump(self, key);
      },
      [self, key](caf::error& err) {
        auto& st = self->state;
        logs::run(spdlog::level::warn, st.ctx,
                  "store read for a subscriber failed: " + self->system().render(err));
        end_subscriber(self, key,
                       make_frame(error_frame(st.ctx.run_id,
                                              "Events could not be read from the store; "
                                              "resume again later.")));
      });
}

} // namespace

namespace {

/// What pump_all's first pass hands each subscriber when there are several: enough for the
/// first event of a batch to reach every one of them before any gets the rest of its window.
constexpr size_t first_pass_frames = 16;

/// `pump`, giving at most `cap` frames from memory when `cap` is not 0. A capped pass starts
/// no store read: the full pass that follows does.
void pump_up_to(self_ptr self, const subscriber_key& key, size_t cap) {
  auto& st = self->state;
  auto i = st.subscribers.find(key);
  if (i == st.subscribers.end())
    return;
  auto& sub = i->second;
  if (sub.loading)
    return;
  auto head = st.visible();
  frame_batch out;
  auto send_out = [&] {
    if (out.frames.empty())
      return;
    send_frames(self, sub, std::move(out));
    out = frame_batch{};
  };
  auto room = [&] {
    return cap == 0 ? sub.window.room() : std::min(sub.window.room(), cap);
  };
  while (room() > out.frames.size() && sub.cursor < head) {
    auto left = static_cast<int64_t>(room() - out.frames.size());
    if (sub.cursor < st.frames.first()) {
      if (cap != 0)
        break;
      send_out();
      load_from_store(self, key, sub, std::min(left, st.frames.first() - sub.cursor));
      return;
    }
    auto n = std::min<int64_t>(left, head - sub.cursor);
    st.frames.copy(sub.cursor, sub.cursor + n, out.frames);
    sub.cursor += n;
  }
  if (sub.cursor == head && !st.finished_persisted && sub.meta && !sub.announced_live) {
    sub.announced_live = true;
    out.frames.push_back(make_frame(subscribed_frame(st.ctx.run_id, head)));
  }
  send_out();
  if (sub.cursor == head && st.finished_persisted) {
    end_subscriber(self, key, nullptr);
    return;
  }
  sub.window.update(sub.cursor < head, clock::now());
  if (sub.window.blocked())
    schedule_tick(self);
}

} // namespace

/// Sends a subscriber what it may have: stored frames from memory up to its window, or a
/// store read for what memory no longer holds; then `subscribed` or the end when it reaches
/// the head.
void pump(self_ptr self, const subscriber_key& key) {
  pump_up_to(self, key, 0);
}

void pump_all(self_ptr self) {
  // pump() may erase the entry it is given, so iterate over a copy of the keys.
  std::vector<subscriber_key> keys;
  keys.reserve(self->state.subscribers.size());
  for (auto& kv : self->state.subscribers)
    keys.push_back(kv.first);
  // With several subscribers, each first gets the head of what is new, then each the rest:
  // in one pass, the last of a fan-out's 1,000 waited for the others' whole windows (a
  // million frame references copied and posted) before its first event left.
  if (keys.size() > 1)
    for (auto& k : keys)
      pump_up_to(self, k, first_pass_frames);
  for (auto& k : keys)
    pump(self, k);
}

/// The stall cut-off: ends subscribers whose window stayed full for `stall_timeout`.
void cut_stalled(self_ptr self) {
  auto& st = self->state;
  st.tick_scheduled = false;
  auto now = clock::now();
  std::vector<subscriber_key> stalled;
  bool still_blocked = false;
  for (auto& [key, sub] : st.subscribers) {
    if (sub.window.stalled(now, st.lim.stall_timeout))
      stalled.push_back(key);
    else if (sub.window.blocked())
      still_blocked = true;
  }
  for (auto& key : stalled) {
    st.services.metrics->subscribers_cut.fetch_add(1, std::memory_order_relaxed);
    logs::run(spdlog::level::info, st.ctx,
              "subscriber cut off (window full for "
                + std::to_string(st.lim.stall_timeout.count()) + " ms)");
    end_subscriber(self, key, nullptr, true);
  }
  if (still_blocked)
    schedule_tick(self);
}

} // namespace runcast::actors::log_ops
