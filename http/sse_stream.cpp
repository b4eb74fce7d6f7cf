#include "http/sse_stream.hpp"

#include "http/stream_registry.hpp"

#include "core/log_format.hpp"
#include "http/connection_slot.hpp"
#include "http/json_response.hpp"
#include "http/sse_sink.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>

#include <sched.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <spdlog/spdlog.h>

namespace runcast::http {

namespace {

/// A client has no reason to send anything on an SSE connection; bound what we swallow.
constexpr size_t max_watched_bytes = 64 * 1024;
// Most frames in a stream's first write (the one with the response header).
constexpr size_t first_write_frames = 16;
// The longest a written frame waits to be credited back (sse_stream::on_write).
constexpr auto credit_interval = std::chrono::milliseconds{200};

/// Most frames a stream may hold queued: a subscriber window, or what a store replay holds
/// (two batches, each event perhaps after a gap frame: four batches' worth), with room.
size_t max_queued(const limits& lim) {
  return std::max({4 * lim.subscriber_window, 4 * lim.replay_batch, size_t{2048}}) + 16;
}

/// The bytes of `header`, as written before the first chunk: Beast's serializer, the header
/// alone (its operator<< goes through an ostream, whose locale machinery showed in the
/// profile of a replay's first event).
frame_ptr serialize(const bhttp::response<bhttp::empty_body>& header) {
  bhttp::response_serializer<bhttp::empty_body> sr{header};
  sr.split(true);
  std::string text;
  beast::error_code ec;
  while (!ec && !sr.is_header_done())
    sr.next(ec, [&](beast::error_code&, const auto& buffers) {
      for (auto b : beast::buffers_range_ref(buffers))
        text.append(static_cast<const char*>(b.data()), b.size());
      sr.consume(beast::buffer_bytes(buffers));
    });
  return make_frame(std::move(text));
}

const frame_ptr keepalive_frame = make_frame(encode_comment("keepalive"));

} // namespace

sse_stream::sse_stream(beast::tcp_stream&& stream, unsigned version, limits lim,
                       std::shared_ptr<connection_slot> slot)
  : socket_(stream.release_socket()),
    lim_{lim.subscriber_window, lim.write_max_frames, lim.write_max_bytes, max_queued(lim),
         lim.keepalive, lim.sse_retry, lim.stall_timeout},
    header_(event_stream_header(version)),
    writers_(net::use_service<busy_writers>(
      net::query(socket_.get_executor(), net::execution::context))),
    keepalive_(socket_.get_executor()),
    slot_(std::move(slot)) {
  // First in the queue, ahead of any frame a source hands over before start().
  queue_.push(make_frame(encode_retry(lim_.retry)), false);
}

void sse_stream::start() {
  head_ = serialize(*header_);
  header_.reset();
  net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    // Counted from now, not from its first frames: those may still wait in the strand's
    // queue behind other streams' writes, which must not take long slices meanwhile.
    self->awaiting_first_.emplace(self->writers_);
    // Frames a source handed over on the strand before this (a finished run held in
    // memory: send() queues them at once) leave with the header in one write, and the
    // client has its first event one round trip sooner.
    self->write_started_ = true;
    self->do_write();
    self->do_watch();
    self->arm_keepalive();
  });
}

void sse_stream::send(std::vector<frame_ptr> frames) {
  // The actor side calls this from CAF threads: their frames go to the strand. On the
  // strand (a subscription that answers at once) they are queued now.
  net::dispatch(socket_.get_executor(), [self = shared_from_this(),
                                         frames = std::move(frames)]() mutable {
    if (self->closed_ || self->finishing_ || self->cut_)
      return;
    for (auto& f : frames)
      self->queue_.push(std::move(f), true);
    // The event log never has more than a window in flight to us, a store replay two batches;
    // more means a bug upstream, and an unbounded queue is what we promise not to have.
    if (self->queue_.size() > self->lim_.max_queued) {
      spdlog::error("sse: send queue over its bound ({} frames), closing", self->queue_.size());
      self->close(false);
      return;
    }
    self->do_write();
  });
}

void sse_stream::finish(frame_ptr last, bool abort) {
  net::post(socket_.get_executor(), [self = shared_from_this(), last = std::move(last), abort] {
    if (self->closed_ || self->finishing_)
      return;
    if (abort) {
      self->close(false);
      return;
    }
    if (last)
      self->queue_.push(last, false);
    self->finishing_ = true;
    self->do_write();
  });
}

void sse_stream::set_credit_handler(std::function<void(size_t)> handler) {
  on_credit_ = std::move(handler);
}

void sse_stream::set_close_handler(std::function<void(bool)> handler) {
  on_close_ = std::move(handler);
}

void sse_stream::attach(std::shared_ptr<subscription> sub) {
  subscription_ = std::move(sub);
  if (closed_)
    subscription_->close();
}

std::shared_ptr<frame_sink>
sse_stream::make_sink(std::function<void(const std::string&)> on_not_found) {
  return std::make_shared<sse_sink>(weak_from_this(), std::move(on_not_found));
}

net::any_io_executor sse_stream::executor() {
  return socket_.get_executor();
}

void sse_stream::enqueue(frame_ptr frame, bool counted) {
  queue_.push(std::move(frame), counted);
  do_write();
}

void sse_stream::do_write() {
  if (!write_started_ || write_active_ || closed_ || cut_)
    return;
  // The fault hook cuts when the stream would write more than its share, not right after
  // the write that reached it: what was written has had time to reach the client.
  if (fault_cut_after_ > 0 && events_written_ >= fault_cut_after_ && !finishing_
      && !queue_.empty()) {
    fault_cut();
    return;
  }
  if (queue_.empty()) {
    assert(!head_); // the `retry:` frame is queued before the first write
    if (finishing_) {
      write_active_ = true;
      net::async_write(socket_, bhttp::make_chunk_last(),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec)
                           self->fail(ec, "write last chunk");
                         self->write_active_ = false;
                         self->close(true);
                       });
    }
    return;
  }
  // Gather queued frames into one chunk: few syscalls for a whole catch-up batch.
  size_t bytes = 0;
  size_t counted = 0;
  std::vector<frame_ptr> frames;
  // Most frames and bytes gathered into one chunk (limits): few large writes, bounded latency.
  // The first write, with the response header, is kept short: the client's first event is
  // not held behind a catch-up's worth of bytes.
  auto max_frames = head_ ? std::min(lim_.write_max_frames, first_write_frames)
                          : lim_.write_max_frames;
  while (!queue_.empty() && frames.size() < max_frames
         && (bytes == 0 || bytes + queue_.front().frame->size() <= lim_.write_max_bytes)) {
    auto& q = queue_.front();
    bytes += q.frame->size();
    counted += q.counted ? 1 : 0;
    frames.push_back(std::move(q.frame));
    queue_.pop();
  }
  write_active_ = true;
  write_began_ = std::chrono::steady_clock::now();
  wrote_since_tick_ = true;
  if (bytes == 0) {
    // Nothing to send (empty frames only): a chunk of size 0 would end the response.
    net::post(socket_.get_executor(),
              [self = shared_from_this(), counted] { self->on_write({}, counted); });
    return;
  }
  write_.emplace(std::move(head_), std::move(frames));
  busy_.emplace(writers_);
  write_some(counted);
}

void sse_stream::write_some(size_t counted) {
  const auto buffers = writers_.slice_buffers();
  if (buffers == busy_writers::direct_slice_buffers) {
    // The only stream of this context writing: it writes all it can now, up to
    // gathered_write::max_slice_buffers buffers a system call (Asio's own writes take 64),
    // with no turn of the context between calls. Its end is posted, so that the next write
    // (on_write) starts from the context, not from inside this one.
    beast::error_code ec;
    if (write_now(ec)) {
      net::post(socket_.get_executor(),
                [self = shared_from_this(), ec, counted] { self->write_done(ec, counted); });
      return;
    }
  }
  // Others write too (each a slice, then the next stream's), or the socket is full: Asio
  // waits until it takes more.
  socket_.async_write_some(write_->rest(buffers), [self = shared_from_this(), counted](
                                                    beast::error_code ec, size_t n) {
    self->bytes_written_ += n;
    if (!ec && !self->write_->consume(n))
      return self->write_some(counted); // the next slice, or what the socket did not take
    self->write_done(ec, counted);
  });
}

bool sse_stream::write_now(beast::error_code& ec) {
  std::array<iovec, gathered_write::max_slice_buffers> iov;
  for (;;) {
    size_t count = 0;
    for (const auto& b : write_->rest(iov.size()))
      iov[count++] = {const_cast<void*>(b.data()), b.size()};
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = count;
    // MSG_DONTWAIT: a full socket must not block the I/O thread, whatever Asio's mode.
    auto n = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return false;
      ec.assign(errno, beast::system_category());
      return true;
    }
    bytes_written_ += static_cast<size_t>(n);
    if (write_->consume(static_cast<size_t>(n)))
      return true;
  }
}

void sse_stream::write_done(beast::error_code ec, size_t counted) {
  if (metrics_ && !ec) {
    metrics_->sent_frames.fetch_add(counted, std::memory_order_relaxed);
    metrics_->sent_bytes.fetch_add(write_->bytes(), std::memory_order_relaxed);
  }
  on_write(ec, counted);
}

void sse_stream::on_write(beast::error_code ec, size_t counted) {
  write_active_ = false;
  write_.reset();
  busy_.reset();
  if (ec) {
    fail(ec, "write");
    close(false);
    return;
  }
  events_written_ += counted;
  if (events_written_ > 0)
    awaiting_first_.reset();
  if (!yielded_ && counted > 0) {
    // The stream's first event has gone out: give this core up once. The client on this
    // machine (a load balancer's or proxy's process, a test) is woken by that write, and
    // Linux puts a task woken by a local socket write on the writer's core, where it waits
    // until the writer sleeps — which an I/O thread with a replay's backlog to write does not
    // for milliseconds. A memory replay's first event: p50 1.96 -> 0.52 ms; its last event
    // 2.6 % later (bench/RESULTS.md, 2026-12-05). A client elsewhere costs one system call.
    yielded_ = true;
    sched_yield();
  }
  if (counted > 0 && on_credit_)
    on_credit_(counted);
  uncredited_ += counted;
  // A credit is a message to the event log (two across nodes): batch them. The
  // window still moves: the log has a window of frames out, and at most a quarter window
  // waits here, so frames keep coming and each write may send the credit; and a slow reader
  // is credited at least every credit_interval, far inside the stall timeout.
  auto now = std::chrono::steady_clock::now();
  if (subscription_ && uncredited_ > 0
      && (uncredited_ >= std::max<size_t>(1, lim_.window / 4)
          || now - credited_at_ >= credit_interval)) {
    subscription_->credit(uncredited_);
    uncredited_ = 0;
    credited_at_ = now;
  }
  do_write();
}

void sse_stream::fault_cut() {
  // Like a proxy dropping the connection mid-response: no last chunk, but what was written
  // arrives — a FIN after it, not a reset, which would make the client's kernel discard what
  // it had not read yet. No more frames are taken; the watch sees the client close and ends
  // the stream (or the next keepalive tick does, should the client never close).
  spdlog::warn("sse: fault hook: cutting the stream after {} events", events_written_);
  cut_ = true;
  queue_.clear();
  if (subscription_)
    subscription_->close();
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
}

void sse_stream::do_watch() {
  // Waits for readability, then reads what came into a buffer on the stack: a pending read
  // would hold a buffer and Beast's read operation (~1 KiB) per idle stream.
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
    if (self->closed_)
      return;
    size_t n = 0;
    if (!ec) {
      // Only what is there: MSG_DONTWAIT, as Asio's blocking mode would wait.
      std::array<char, 512> scratch;
      auto got = ::recv(self->socket_.native_handle(), scratch.data(), scratch.size(),
                        MSG_DONTWAIT);
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        self->do_watch(); // readable was spurious
        return;
      }
      if (got < 0)
        ec.assign(errno, beast::system_category());
      else if (got == 0)
        ec = net::error::eof;
      else
        n = static_cast<size_t>(got);
    }
    if (ec == net::error::eof && !self->cut_) {
      // End of stream says only that the client will send nothing more: it may have shut
      // its write side after a whole request (a half-close) and still read the answer, which
      // goes on to its last chunk. Whether it left shows when its reset comes back: a write
      // to a closed socket draws one. A comment written now is that probe, so a client that
      // closed is noticed (its inline run cancelled) without waiting for the next event or
      // keepalive, and any later write fails as well.
      self->socket_.async_wait(tcp::socket::wait_error, [self](beast::error_code e) {
        if (!self->closed_ && e != net::error::operation_aborted)
          self->close(false); // the client's reset (or our own cut): it left
      });
      if (!self->finishing_)
        self->enqueue(keepalive_frame, false);
      return;
    }
    if (ec) {
      // A reset, or EOF on a stream the fault hook cut: the client left. This is how an
      // inline run learns to cancel.
      self->fail(ec, "watch");
      self->close(false);
      return;
    }
    self->watched_bytes_ += n;
    if (self->watched_bytes_ > max_watched_bytes) {
      self->close(false);
      return;
    }
    self->do_watch();
  });
}

void sse_stream::arm_keepalive() {
  keepalive_.expires_after(lim_.keepalive);
  keepalive_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_)
      return;
    if (self->cut_) {
      self->close(false); // a cut stream whose client never closed: bounded by one tick
      return;
    }
    // A client that stopped reading: the event log cuts its live subscribers so, but a
    // replay read from a finished run's frames or from the store has no log watching it.
    // Dropped (not ended), so a client that comes back resumes from what it has.
    if (self->write_active_
        && std::chrono::steady_clock::now() - self->write_began_ >= self->lim_.stall) {
      if (self->metrics_)
        self->metrics_->subscribers_cut.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("sse: a client read nothing for {} ms, dropping its stream",
                   self->lim_.stall.count());
      self->close(false);
      return;
    }
    if (!self->wrote_since_tick_ && !self->finishing_)
      self->enqueue(keepalive_frame, false);
    self->wrote_since_tick_ = false;
    self->arm_keepalive();
  });
}

void sse_stream::fail(beast::error_code ec, char const* what) {
  // operation_aborted: our own close() cancelled it; eof: the client closed its side, the
  // normal end of a stream it no longer wants. Neither is worth a line.
  if (ec == net::error::operation_aborted || ec == net::error::eof)
    return;
  spdlog::debug("sse stream: {}: {}", what, ec.message());
}

void sse_stream::close(bool clean) {
  if (closed_)
    return;
  closed_ = true;
  if (!method_.empty())
    logs::request(method_, path_, 200,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now()
                                                            - started_).count(),
                  bytes_written_);
  keepalive_.cancel();
  awaiting_first_.reset();
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (subscription_)
    subscription_->close();
  ticket_.reset();
  if (on_close_) {
    auto handler = std::move(on_close_);
    handler(clean);
  }
}

} // namespace runcast::http
