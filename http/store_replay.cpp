#include "http/store_replay.hpp"

#include "core/meta_frames.hpp"
#include "http/sse_stream.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace runcast::http {

namespace {

} // namespace

store_replay::store_replay(server_context& ctx, std::shared_ptr<sse_stream> stream,
                           std::string run_id, int64_t from, bool meta, std::string lost_owner)
  : ctx_(ctx),
    stream_(stream),
    run_id_(std::move(run_id)),
    cursor_(from),
    meta_(meta),
    lost_owner_(std::move(lost_owner)) {
}

void store_replay::start() {
  auto s = stream_.lock();
  if (!s)
    return;
  // Credits come back on the strand once a batch is written; then the next is read.
  s->set_credit_handler([self = shared_from_this()](size_t n) {
    self->outstanding_ -= std::min(self->outstanding_, n);
    if (self->outstanding_ == 0 && self->more_)
      self->load_next();
  });
  net::post(ctx_.db_pool, [self = shared_from_this()] {
    auto s = self->stream_.lock();
    if (!s || s->closed())
      return;
    try {
      auto run = self->ctx_.store->find_run(self->run_id_);
      if (!run) {
        s->finish(make_frame(error_frame(self->run_id_, "Run " + self->run_id_ + " not found")),
                  false);
        return;
      }
      if (self->meta_) {
        auto total = self->ctx_.store->count_events(self->run_id_);
        auto missed = std::max<int64_t>(0, total - self->cursor_);
        auto frame = make_frame(replay_frame(self->run_id_, run->status, missed, total));
        net::post(s->executor(), [self, frame] {
          self->outstanding_ += 1;
          if (auto s = self->stream_.lock())
            s->send({frame});
        });
        return; // its credit triggers the first load
      }
    } catch (const persistence::store_error& e) {
      spdlog::error("replay {}: store failed: {}", self->run_id_, e.what());
      s->finish(make_frame(error_frame(self->run_id_, "The store is unavailable; resume later.")),
                false);
      return;
    }
    net::post(s->executor(), [self] { self->load_next(); });
  });
}

void store_replay::load_next() {
  net::post(ctx_.db_pool, [self = shared_from_this()] {
    auto s = self->stream_.lock();
    if (!s || s->closed())
      return;
    std::vector<stored_event> events;
    try {
      events = self->ctx_.store->load_events(self->run_id_, self->cursor_, batch_size);
    } catch (const persistence::store_error& e) {
      spdlog::error("replay {}: store failed: {}", self->run_id_, e.what());
      s->finish(make_frame(error_frame(self->run_id_, "The store is unavailable; resume later.")),
                false);
      return;
    }
    std::vector<frame_ptr> frames;
    frames.reserve(events.size());
    for (auto& ev : events)
      frames.push_back(make_frame(encode_event_frame(ev.index, ev.type, ev.data)));
    auto next = events.empty() ? self->cursor_ : events.back().index + 1;
    bool more = events.size() == batch_size;
    net::post(s->executor(), [self, frames = std::move(frames), next, more]() mutable {
      auto s = self->stream_.lock();
      if (!s)
        return;
      self->cursor_ = next;
      self->more_ = more;
      if (!frames.empty()) {
        self->outstanding_ += frames.size();
        s->send(std::move(frames));
      }
      if (!more) {
        frame_ptr last;
        if (!self->lost_owner_.empty())
          last = make_frame(error_frame(
            self->run_id_, "The run's owner node " + self->lost_owner_
                             + " is unreachable; these are the events it had persisted."));
        s->finish(std::move(last), false);
      }
    });
  });
}

} // namespace runcast::http
