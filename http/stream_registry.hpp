#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace runcast::http {

class sse_stream;
class stream_registry;

/// One SSE stream counted against `limits::max_streams`: taken before the work behind the
/// stream starts (a run, a subscription), so that a refusal changes nothing; bound to the
/// stream once it exists. Destroying it frees the place.
class stream_ticket {
public:
  stream_ticket(std::shared_ptr<stream_registry> registry, uint64_t id);
  ~stream_ticket();

  stream_ticket(const stream_ticket&) = delete;
  stream_ticket& operator=(const stream_ticket&) = delete;

  /// The stream this ticket counts, so that `stream_registry::end_all` reaches it.
  void bind(const std::shared_ptr<sse_stream>& stream);

private:
  std::shared_ptr<stream_registry> registry_;
  uint64_t id_;
};

/// The SSE streams of one server: how many are open (the `max_streams` bound) and which,
/// so that a shutdown can end each one cleanly. Thread-safe.
class stream_registry : public std::enable_shared_from_this<stream_registry> {
public:
  /// A ticket, or null when `max` streams are open or the registry was closed by `end_all`.
  std::shared_ptr<stream_ticket> reserve(size_t max);

  /// Streams open now (tickets held).
  size_t size() const;

  /// Refuses new streams and ends every open one with its last chunk, so that clients
  /// reconnect (elsewhere) at once and resume from their last event.
  void end_all();

private:
  friend class stream_ticket;
  void bind(uint64_t id, std::weak_ptr<sse_stream> stream);
  void release(uint64_t id);

  mutable std::mutex mutex_;
  std::map<uint64_t, std::weak_ptr<sse_stream>> streams_; ///< by ticket; empty until bound
  uint64_t next_id_ = 0;
  bool closed_ = false;
};

} // namespace runcast::http
