#pragma once

#include "http/beast.hpp"

#include <atomic>
#include <cstddef>

namespace runcast::http {

/// How many SSE streams of one io_context have a write in flight: an Asio service, so one
/// per context, whichever threads run it (an embedding application's own context too).
///
/// It sets how a stream writes (sse_stream::write_some). A stream writing alone on its
/// context (a replay, a live tail) writes all the socket takes at once, up to 1,024 buffers
/// a system call: a 10,000-event replay 12 % faster than in Asio's calls of 64. While a few
/// write, or many but every stream of the context has had its first event, 64 buffers a
/// call, with the context's other work between calls. While many write and some stream is
/// still waiting for its first event (a fan-out burst, many replays starting, a run that
/// has not emitted yet), 16 buffers a call: the I/O thread goes round its streams a slice at
/// a time, so that those still waiting are not kept behind the others' backlogs.
class busy_writers : public net::execution_context::service {
public:
  using key_type = busy_writers;
  static inline net::execution_context::id id; // Asio finds the service by it

  /// At most this many streams writing at once on a context take long slices.
  static constexpr size_t few = 4;
  static constexpr size_t direct_slice_buffers = 1024; // gathered_write::max_slice_buffers
  static constexpr size_t long_slice_buffers = 64;
  static constexpr size_t short_slice_buffers = 16;

  explicit busy_writers(net::execution_context& context) : service(context) {
  }

private:
  /// Counts one in `count` while it lives.
  class counted {
  public:
    explicit counted(std::atomic<size_t>& count) : count_(count) {
      count_.fetch_add(1, std::memory_order_relaxed);
    }
    ~counted() {
      count_.fetch_sub(1, std::memory_order_relaxed);
    }
    counted(const counted&) = delete;
    counted& operator=(const counted&) = delete;

  private:
    std::atomic<size_t>& count_;
  };

public:
  /// A write in flight, counted while this lives.
  class guard : counted {
  public:
    explicit guard(busy_writers& writers) : counted(writers.writing_) {
    }
  };

  /// A stream that has written no event yet, counted while this lives.
  class first_wait : counted {
  public:
    explicit first_wait(busy_writers& writers) : counted(writers.awaiting_first_) {
    }
  };

  /// Buffers for the next system call of a write of this context (a hint: relaxed reads):
  /// direct_slice_buffers while the asking write is the only one (its own guard counts).
  size_t slice_buffers() const {
    const auto writing = writing_.load(std::memory_order_relaxed);
    if (writing <= 1)
      return direct_slice_buffers;
    if (writing <= few || awaiting_first_.load(std::memory_order_relaxed) == 0)
      return long_slice_buffers;
    return short_slice_buffers;
  }

private:
  void shutdown() override {
  }

  std::atomic<size_t> writing_{0};
  std::atomic<size_t> awaiting_first_{0};
};

} // namespace runcast::http
