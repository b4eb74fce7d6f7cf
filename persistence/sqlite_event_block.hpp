#pragma once

#include "core/event.hpp"
#include "persistence/write_group.hpp"

#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::persistence::detail {

/// The SQLite store keeps a run's events in blocks: one row holds a run of consecutive
/// events (by index, holes allowed) of one run, encoded here. A row per event cost SQLite a
/// B-tree insert keyed by the 36-byte run id for every event, the largest part of a commit;
/// a block of hundreds of events is one insert and a copy of its bytes.
///
/// Encoding (little-endian, no alignment; varint = unsigned LEB128), format 2:
///   u8 format (2), then per event, ascending by index:
///   varint zigzag(index - the previous event's index, 0 before the first),
///   u8 flags: 1 = created_at follows (f64), 2 = the type follows (varint size, bytes);
///     without them the event has the previous one's (the first event has both),
///   varint how many leading bytes its data shares with the previous event's data,
///   varint the size of the rest of its data, then those bytes.
/// A run's events repeat most of their data (the run's fields, the second they were made
/// in), so an event takes about its content and index and 4 bytes: 108 bytes a RunContent
/// event of 100 bytes of content, which took 339 in format 1; the WAL and the checkpoint,
/// which copy every byte twice more, shrink with it.
/// Format 1 (what earlier versions wrote, still read): u8 format (1), then per event
/// i64 index, f64 created_at, u32 type size, type bytes, u32 data size, data bytes.
///
/// A block is capped near `block_target_bytes` so that reading one window of a long run
/// decodes little more than that window.
constexpr size_t block_target_bytes = 64 * 1024;

/// Encodes one block of events (one run's, ascending by index) into `out`.
class block_encoder {
public:
  /// Starts a block in `out` (what it held goes).
  explicit block_encoder(std::string& out);

  /// Appends `event`, unless the block then passes `cap` bytes and holds an event already:
  /// then the block is left as it was and this returns false.
  bool add(const event_row& event, size_t cap = std::numeric_limits<size_t>::max());

private:
  std::string& out_;
  bool empty_ = true;
  event_row previous_; ///< views into the caller's events, which outlive the encoder
};

/// Encodes `events` (one run's, ascending by index) as one block into `out`.
void encode_events(const event_row* first, const event_row* last, std::string& out);

/// Decodes a block of `run_id`, handing its events with index >= `from` to `visit` (views
/// into `block`), at most `limit` of them; returns how many it handed over. Throws
/// store_error naming `operation` if the bytes are not a block.
size_t visit_block(std::string_view run_id, std::string_view block, int64_t from, size_t limit,
                   const std::function<void(const stored_event_view&)>& visit,
                   std::string_view operation);

/// visit_block into `out`, until it holds `limit` events.
void decode_block(std::string_view run_id, std::string_view block, int64_t from, size_t limit,
                  std::vector<stored_event>& out, std::string_view operation);

} // namespace runcast::persistence::detail
