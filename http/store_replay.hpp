#pragma once

#include "core/run_record.hpp"
#include "core/store_cursor.hpp"
#include "http/server_context.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runcast::http {

class sse_stream;

/// Serves a run that has no event log in memory from the store: an optional `replay` meta
/// frame, then its events from `from` on with their original indices, then the end. Holes
/// in the stored indices are announced by `replay` meta frames naming the missing range
/// (core/store_cursor.hpp, which event logs use too). Reads one batch at a time on the
/// runtime's store threads (never an I/O thread), the next while the stream writes the
/// last: a slow client holds at most two batches. The first read is short, so that the
/// first event does not wait for a whole batch.
class store_replay : public std::enable_shared_from_this<store_replay> {
public:
  /// With `lost_owner`, the replay ends with an `error` frame saying that node is gone.
  store_replay(server_context& ctx, std::shared_ptr<sse_stream> stream, run_record run,
               int64_t from, bool meta, std::string lost_owner = {});

  // Its store cursor announces gaps through `this`: never copied or moved.
  store_replay(const store_replay&) = delete;
  store_replay& operator=(const store_replay&) = delete;

  /// Begins the replay (on any thread).
  void start();

private:
  void read_ahead();
  void load_next();
  void deliver(std::vector<stored_frame> events);
  void fail(const failure& f);
  std::string gap_frame(const index_gap& gap) const;

  server_context& ctx_;
  std::weak_ptr<sse_stream> stream_;
  run_record run_;
  bool meta_;
  std::string lost_owner_;
  int64_t total_ = 0;       ///< one past the highest stored index, learnt at the start
  bool known_end_ = false;  ///< total_ is set
  store_cursor cursor_;     ///< touched by one store read at a time
  bool opened_ = false;     ///< the opening meta frame is out (or not wanted)
  size_t outstanding_ = 0;  ///< frames sent and not yet written (touched on the strand only)
  bool more_ = true;         ///< the store may hold more (on the strand, after the first read)
  bool reading_ = false;    ///< a store read is in flight (likewise)
  bool first_read_ = true;  ///< no store read asked for yet (set before each read)
  size_t asked_ = 0;        ///< events the read in flight asked for
};

} // namespace runcast::http
