#include "actors/event_log_ops.hpp"

#include "actors/type_ids.hpp"
#include "core/meta_frames.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace runcast::actors::log_ops {

namespace {

using clock = std::chrono::steady_clock;

} // namespace

// -- subscribers ---------------------------------------------------------------------------------

/// Ends a subscription: `last` (may be null) is its final frame; `abort` asks the connection
/// to drop without a clean end, so the client knows to resume.
void end_subscriber(self_ptr self, const caf::actor_addr& key, frame_ptr last, bool abort) {
  auto& st = self->state;
  auto i = st.subscribers.find(key);
  if (i == st.subscribers.end())
    return;
  self->send(i->second.handle, end_atom::value, std::move(last), abort);
  self->demonitor(i->second.handle.address());
  st.subscribers.erase(i);
}

namespace {

void schedule_tick(self_ptr self) {
  auto& st = self->state;
  if (!st.tick_scheduled) {
    st.tick_scheduled = true;
    self->delayed_send(self, st.lim.stall_check, tick_atom::value);
  }
}

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

} // namespace

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

/// The stall cut-off: ends subscribers whose window stayed full for `stall_timeout`.
void cut_stalled(self_ptr self) {
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
}

} // namespace runcast::actors::log_ops
