#include "http/store_replay.hpp"

#include "core/meta_frames.hpp"
#include "http/sse_stream.hpp"

#include <algorithm>
#include <iterator>

namespace runcast::http {

store_replay::store_replay(server_context& ctx, std::shared_ptr<sse_stream> stream,
                           run_record run, int64_t from, bool meta, std::string lost_owner)
  : ctx_(ctx),
    stream_(stream),
    run_(std::move(run)),
    meta_(meta),
    lost_owner_(std::move(lost_owner)),
    cursor_(from, [this](const index_gap& gap) { return gap_frame(gap); }),
    opened_(!meta) {
}

std::string store_replay::gap_frame(const index_gap& gap) const {
  auto total = std::max(total_, gap.to + 1);
  return replay_frame(run_.run_id, run_.status, total - gap.to - 1, total, gap);
}

void store_replay::start() {
  auto s = stream_.lock();
  if (!s)
    return;
  if (meta_)
    ctx_.engine.metrics().resumed(node_metrics::resume::store);
  // Credits come back on the strand as the stream writes; a batch written makes room for
  // the one after the next.
  s->set_credit_handler([self = shared_from_this()](size_t n) {
    self->outstanding_ -= std::min(self->outstanding_, n);
    self->read_ahead();
  });
  // A run that was live when the stream began may have finished since: read it again for
  // the status the meta frames report (it passed the access check already). A finished
  // run's record cannot change, so its first batch is read at once.
  if (is_terminal(run_.status))
    return load_next();
  auto self = shared_from_this();
  runtime::run_ref ref{run_.kind, run_.component_id, run_.run_id};
  runtime::access who{run_.session_id, run_.user_id};
  ctx_.engine.find_run(ref, who, [self](outcome<run_record> run) {
    if (!run)
      return self->fail(run.error());
    self->run_.status = run->status;
    self->load_next();
  });
}

void store_replay::read_ahead() {
  // The next batch is read as soon as the last is handed to the stream: the store thread
  // reads while the I/O thread writes (a read after the last frame was written left each
  // idle half the time; measured, store replays ran ~5 % faster). A slow client holds at
  // most two batches — 1,024 frames by default, a live subscriber's window.
  if (more_ && !reading_ && outstanding_ <= ctx_.lim.replay_batch)
    load_next();
}

void store_replay::load_next() {
  reading_ = true;
  // The first event waits for its whole batch to be read and framed: a short first read
  // puts it on the wire sooner, and the next read (a full batch) overlaps its writing.
  asked_ = first_read_ ? std::min(ctx_.lim.replay_first_batch, ctx_.lim.replay_batch)
                      : ctx_.lim.replay_batch;
  first_read_ = false;
  auto self = shared_from_this();
  ctx_.engine.load_frames(run_.run_id, cursor_.position(), asked_,
                          [self](outcome<std::vector<stored_frame>> events) {
                            if (!events)
                              return self->fail(events.error());
                            self->deliver(std::move(*events));
                          });
}

void store_replay::deliver(std::vector<stored_frame> events) {
  auto s = stream_.lock();
  if (!s)
    return;
  bool more = events.size() == asked_;
  if (!known_end_) {
    // The meta frames count up to the end of the run's events. A first batch that is not
    // full ends with it; otherwise one index seek (not a count) tells it.
    if (!more && !events.empty()) {
      total_ = events.back().index + 1;
    } else {
      auto self = shared_from_this();
      return ctx_.engine.next_event_index(
        run_.run_id, [self, events = std::move(events)](outcome<int64_t> end) mutable {
          if (!end)
            return self->fail(end.error());
          self->total_ = *end;
          self->known_end_ = true;
          self->deliver(std::move(events));
        });
    }
    known_end_ = true;
  }
  bool starts_with_gap = events.empty() ? cursor_.position() < total_
                                        : events.front().index > cursor_.position();
  std::vector<frame_ptr> frames;
  if (!opened_ && !starts_with_gap) {
    // The opening `replay` frame; a gap right at the start is announced by one instead.
    frames.push_back(make_frame(replay_frame(run_.run_id, run_.status,
                                             std::max<int64_t>(0, total_ - cursor_.position()),
                                             total_)));
  }
  opened_ = true;
  auto taken = cursor_.take(std::move(events));
  frames.insert(frames.end(), std::make_move_iterator(taken.begin()),
                std::make_move_iterator(taken.end()));
  if (!more) {
    // The store has nothing more: what is missing up to the end read at the start is a gap.
    if (auto tail = cursor_.finish(total_))
      frames.push_back(std::move(tail));
  }
  net::post(s->executor(), [self = shared_from_this(), frames = std::move(frames),
                            more]() mutable {
    auto s = self->stream_.lock();
    if (!s)
      return;
    self->reading_ = false;
    self->more_ = more;
    self->outstanding_ += frames.size();
    // The next read is asked for first: send() on the strand writes at once, and the store
    // reads the next batch while this one is written.
    self->read_ahead(); // also after a batch of nothing but skipped rows
    if (!frames.empty())
      s->send(std::move(frames));
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
