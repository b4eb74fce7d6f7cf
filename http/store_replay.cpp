#include "http/store_replay.hpp"

#include "core/meta_frames.hpp"
#include "http/sse_stream.hpp"

#include <algorithm>

namespace runcast::http {

store_replay::store_replay(server_context& ctx, std::shared_ptr<sse_stream> stream,
                           run_record run, int64_t from, bool meta, std::string lost_owner)
  : ctx_(ctx),
    stream_(stream),
    run_(std::move(run)),
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
  if (!meta_) {
    net::post(s->executor(), [self = shared_from_this()] { self->load_next(); });
    return;
  }
  // The run was live when the stream began and may have finished since: read it again for
  // the status the `replay` frame reports. It passed the access check already.
  auto self = shared_from_this();
  runtime::run_ref ref{run_.kind, run_.component_id, run_.run_id};
  runtime::access who{run_.session_id, run_.user_id};
  ctx_.engine.find_run(ref, who, [self](outcome<run_record> run) {
    if (!run)
      return self->fail(run.error());
    self->ctx_.engine.count_events(self->run_.run_id, [self, status = run->status](
                                                        outcome<int64_t> total) {
      if (!total)
        return self->fail(total.error());
      auto missed = std::max<int64_t>(0, *total - self->cursor_);
      auto frame = make_frame(replay_frame(self->run_.run_id, status, missed, *total));
      auto s = self->stream_.lock();
      if (!s)
        return;
      net::post(s->executor(), [self, frame] {
        self->outstanding_ += 1; // its credit triggers the first load
        if (auto s = self->stream_.lock())
          s->send({frame});
      });
    });
  });
}

void store_replay::load_next() {
  auto self = shared_from_this();
  ctx_.engine.load_events(run_.run_id, cursor_, ctx_.lim.replay_batch,
                          [self](outcome<std::vector<stored_event>> events) {
                            if (!events)
                              return self->fail(events.error());
                            self->deliver(std::move(*events));
                          });
}

void store_replay::deliver(std::vector<stored_event> events) {
  auto s = stream_.lock();
  if (!s || s->closed())
    return;
  std::vector<frame_ptr> frames;
  frames.reserve(events.size());
  for (auto& ev : events)
    frames.push_back(make_frame(encode_event_frame(ev.index, ev.type, ev.data)));
  auto next = events.empty() ? cursor_ : events.back().index + 1;
  bool more = events.size() == ctx_.lim.replay_batch;
  net::post(s->executor(), [self = shared_from_this(), frames = std::move(frames), next,
                            more]() mutable {
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
          self->run_.run_id, "The run's owner node " + self->lost_owner_
                               + " is unreachable; these are the events it had persisted."));
      s->finish(std::move(last), false);
    }
  });
}

void store_replay::fail(const failure& f) {
  auto text = f.code == errc::not_found ? f.detail
                                        : std::string{"The store is unavailable; resume later."};
  if (auto s = stream_.lock())
    s->finish(make_frame(error_frame(run_.run_id, text)), false);
}

} // namespace runcast::http
