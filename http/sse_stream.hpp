#pragma once

#include "core/frame_sink.hpp"
#include "core/limits.hpp"
#include "core/node_metrics.hpp"
#include "core/sse.hpp"
#include "http/beast.hpp"
#include "http/busy_writers.hpp"
#include "http/frame_queue.hpp"
#include "http/gathered_write.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runcast::http {

class connection_slot;
class stream_ticket;

/// One SSE response on a connection taken over from its http_session: a chunked
/// `text/event-stream` body written frame batch by frame batch. Single writer: frames queue
/// up and one gathered write is in flight at a time (Beast's chat-multi `on_send` shape).
/// A wait for readability stays pending to notice a client that leaves; an idle stream gets
/// keepalive comments. What an idle stream holds is kept small (a few thousand of them per
/// node is normal): no read buffer, no serializer, its header released once written.
/// Public functions marked "thread-safe" post to the stream's strand; the others must be
/// called on it.
class sse_stream : public std::enable_shared_from_this<sse_stream> {
public:
  /// Takes over `stream` (already on a strand) to answer a request of HTTP `version`.
  /// `slot` (may be null) keeps the connection counted while the stream lives.
  sse_stream(beast::tcp_stream&& stream, unsigned version, limits lim,
             std::shared_ptr<connection_slot> slot = nullptr);

  /// Writes the response header and the `retry:` hint, starts watching the client; on the
  /// strand at once, else posted there. Call it after handing the stream to its source:
  /// frames it sent on the strand before go out with the header, in one write.
  void start();

  /// Queues frames to write; after they are written the credit handler learns how many.
  /// Thread-safe.
  void send(std::vector<frame_ptr> frames);

  /// Writes `last` (if any) and ends the response cleanly, or with `abort` drops the
  /// connection at once. Thread-safe.
  void finish(frame_ptr last, bool abort);

  /// Called with the number of frames written out of those given to `send`.
  void set_credit_handler(std::function<void(size_t)> handler);

  /// Called once when the stream is over: `clean` if it ended by `finish`, false if the
  /// client left or the connection failed.
  void set_close_handler(std::function<void(bool clean)> handler);

  /// TEST ONLY (the `--fault-cut-streams-after` fault hook): drop the connection, without a
  /// last chunk (a FIN after what was written), when more is to be written once `n` events
  /// are; 0 (the default) never does. Before start().
  void set_fault_cut_after(size_t n) {
    fault_cut_after_ = n;
  }

  /// Where written events and bytes are counted (may stay null). Before start().
  void set_metrics(node_metrics* metrics) {
    metrics_ = metrics;
  }

  /// The request this stream answers, for its line in the request log (written when the
  /// stream closes: status 200, the bytes written, the time since `started`).
  void set_access_log(std::string method, std::string path,
                      std::chrono::steady_clock::time_point started) {
    method_ = std::move(method);
    path_ = std::move(path);
    started_ = started;
  }

  /// The response header, for fields a request adds (CORS). Before start().
  bhttp::response<bhttp::empty_body>& header() {
    return *header_;
  }

  /// Counts this stream against `max_streams` until it closes. Before start().
  void set_ticket(std::shared_ptr<stream_ticket> ticket) {
    ticket_ = std::move(ticket);
  }

  /// Ties a subscription's life to this stream: closed when the stream closes.
  void attach(std::shared_ptr<subscription> sub);

  /// A frame sink that feeds this stream; `on_not_found` runs on the strand.
  std::shared_ptr<frame_sink>
  make_sink(std::function<void(const std::string& lost_owner)> on_not_found);

  /// The strand this stream runs on.
  net::any_io_executor executor();

  /// True once closed.
  bool closed() const {
    return closed_;
  }

private:
  /// The few limits a stream reads (all of `limits` is a few hundred bytes per stream).
  struct bounds {
    size_t window;           ///< limits::subscriber_window
    size_t write_max_frames; ///< limits::write_max_frames
    size_t write_max_bytes;  ///< limits::write_max_bytes
    size_t max_queued;       ///< frames queued before the stream counts it a bug and closes
    std::chrono::milliseconds keepalive;
    std::chrono::milliseconds retry;
    std::chrono::milliseconds stall; ///< limits::stall_timeout
  };

  void enqueue(frame_ptr frame, bool counted);
  void do_write();
  void write_some(size_t counted);
  /// Writes what the socket takes of write_ now, without waiting; true when all of it is
  /// written or the socket failed (`ec`), false when the socket is full.
  bool write_now(beast::error_code& ec);
  /// The end of write_ (counts it, then on_write).
  void write_done(beast::error_code ec, size_t counted);
  void on_write(beast::error_code ec, size_t counted);
  void do_watch();
  void fault_cut();
  void arm_keepalive();
  void fail(beast::error_code ec, char const* what);
  void close(bool clean);

  /// Taken out of the session's tcp_stream: a stream sets no deadlines (the stall cut-off
  /// and keepalives bound it), and Beast's stream keeps timers for them (~0.5 KiB).
  tcp::socket socket_;
  bounds lim_;
  /// Until start() serializes it into head_; then released.
  std::optional<bhttp::response<bhttp::empty_body>> header_;
  frame_ptr head_; ///< the header's bytes, until the first write takes them
  frame_queue queue_;
  std::optional<gathered_write> write_; ///< the write in flight, with its frames
  busy_writers& writers_;               ///< of socket_'s io_context
  std::optional<busy_writers::guard> busy_; ///< counts write_ while it is in flight
  /// Counts this stream from start() until its first event is written (busy_writers).
  std::optional<busy_writers::first_wait> awaiting_first_;
  bool write_started_ = false; ///< start()'s first write has come: writes may go out
  bool write_active_ = false;
  bool yielded_ = false; ///< on_write gave the core up after the first event's write
  /// When the write in flight began: one that takes `stall` or more is a client that stopped
  /// reading (checked at each keepalive tick).
  std::chrono::steady_clock::time_point write_began_{};
  bool finishing_ = false;
  bool closed_ = false;
  bool wrote_since_tick_ = false;
  net::steady_timer keepalive_;
  size_t watched_bytes_ = 0;
  std::function<void(size_t)> on_credit_;
  std::function<void(bool)> on_close_;
  std::shared_ptr<subscription> subscription_;
  std::shared_ptr<connection_slot> slot_;
  std::shared_ptr<stream_ticket> ticket_;
  size_t fault_cut_after_ = 0; ///< test-only fault hook; 0: off
  bool cut_ = false;           ///< the fault hook cut this stream: nothing more is written
  node_metrics* metrics_ = nullptr;
  std::string method_;                            ///< for the request log
  std::string path_;                              ///< ...
  std::chrono::steady_clock::time_point started_; ///< ...
  size_t bytes_written_ = 0;                      ///< ...
  size_t events_written_ = 0;  ///< events (not meta frames or comments) written so far
  /// Written frames not yet credited to the subscription: credits go back in batches (a
  /// quarter window, or after credit_interval), not one message per write.
  size_t uncredited_ = 0;
  std::chrono::steady_clock::time_point credited_at_{};
};

} // namespace runcast::http
