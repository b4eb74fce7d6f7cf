#pragma once

#include "core/event.hpp"
#include "persistence/write_group.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct sqlite3;

namespace runcast::persistence::detail {

class sqlite_connection;
class sqlite_run_tails;

// The SQLite store's events, kept as blocks (sqlite_event_block.hpp) in the table
//   run_event_blocks (run_key, first_index, last_index, event_count, events)
// with a unique index on (run_key, first_index); a run's key is its row in
//   event_runs (run_key INTEGER PRIMARY KEY, run_id TEXT UNIQUE),
// given with its first events. The blocks of a run never overlap: every write keeps it so,
// which lets a read find the block holding an index with one seek.

/// Appends events of any runs in any order, as store::append_events promises: an event
/// whose (run_id, index) is stored already is skipped, as is a repeat within `events`. The
/// usual batch (one run's next events) is one insert per block; a batch that reaches into
/// stored blocks (a retry, a hole filled) rewrites those. Requires a write transaction on
/// `c` (its mutex held). With `tails`, a run whose stored end it knows takes no query
/// first; it stages what this write teaches it (the caller commits or rolls it back with
/// the transaction).
void append_event_blocks(sqlite_connection& c, const std::vector<event_row>& events,
                         sqlite_run_tails* tails = nullptr);

/// store::load_events on the blocks: the events of a run with index >= from, ascending, at
/// most `limit`. Requires `c`'s mutex held.
std::vector<stored_event> load_event_blocks(sqlite_connection& c, const std::string& run_id,
                                            int64_t from, size_t limit);

/// store::visit_events on the blocks: what load_event_blocks returns, as views into each
/// block while SQLite holds it. Requires `c`'s mutex held.
void visit_event_blocks(sqlite_connection& c, const std::string& run_id, int64_t from,
                        size_t limit, const std::function<void(const stored_event_view&)>& visit);

/// store::next_event_index on the blocks: one seek to the run's last block.
int64_t next_event_index_of_blocks(sqlite_connection& c, const std::string& run_id);

/// Schema version 4: moves the rows of the old one-row-per-event table into blocks and
/// drops it. Runs inside the migration's transaction.
void move_event_rows_into_blocks(sqlite3* db);

} // namespace runcast::persistence::detail
