#pragma once

#include "core/event.hpp"
#include "core/meta_frames.hpp"
#include "core/sse.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace runcast {

/// A reader's position in a run's stored events: turns what the store returns into frames
/// with their original indices and notices every hole on the way, which becomes a meta
/// frame naming the missing range (a gap is never silent). Every store replay goes through
/// it — a run no node holds in memory, a subscriber behind an event log's memory, local or
/// remote — so they all encode and report alike.
class store_cursor {
public:
  /// Makes the meta frame that announces a gap.
  using gap_announcer = std::function<std::string(const index_gap&)>;

  store_cursor(int64_t from, gap_announcer announce);

  /// The frames of `events` (ascending, as `store::load_frames` returns them; any before
  /// the cursor are skipped), with a gap frame before any event that does not follow its
  /// predecessor.
  std::vector<frame_ptr> take(std::vector<stored_frame> events);

  /// The store has nothing more below `end`: if the cursor is short of it, the rest is a
  /// gap, announced by the frame returned (else null). The cursor moves to `end`.
  frame_ptr finish(int64_t end);

  /// The next index this reader expects.
  int64_t position() const {
    return cursor_;
  }

  /// Gaps found so far.
  size_t gaps() const {
    return gaps_;
  }

private:
  int64_t cursor_;
  gap_announcer announce_;
  size_t gaps_ = 0;
};

} // namespace runcast
