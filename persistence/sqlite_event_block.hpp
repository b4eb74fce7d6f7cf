#pragma once

#include "core/event.hpp"
#include "persistence/write_group.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::persistence::detail {

/// The SQLite store keeps a run's events in blocks: one row holds a run of consecutive
/// events (by index, holes allowed) of one run, encoded here. A row per event cost SQLite a
/// B-tree insert keyed by the 36-byte run id for every event, the largest part of a commit;
/// a block of hundreds of events is one insert and a copy of its bytes.
///
/// Encoding (little-endian, fixed widths, no alignment):
///   u8 format (1), then per event, ascending by index:
///   i64 index, f64 created_at, u32 type size, type bytes, u32 data size, data bytes.
/// A block is capped near `block_target_bytes` so that reading one window of a long run
/// decodes little more than that window.
constexpr size_t block_target_bytes = 64 * 1024;

/// The encoded size of one event.
size_t encoded_size(const event_row& event);

/// Appends the encoding of `events` (one run's, ascending by index) to `out`, format byte
/// first if `out` is empty.
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
