#include "persistence/sqlite_event_blocks.hpp"

#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_errors.hpp"
#include "persistence/sqlite_event_block.hpp"
#include "persistence/sqlite_handle.hpp"
#include "persistence/sqlite_run_tails.hpp"
#include "persistence/sqlite_statement_use.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace runcast::persistence::detail {

namespace {

constexpr const char* insert_sql =
  "INSERT INTO run_event_blocks (run_key, first_index, last_index, event_count, events)"
  " VALUES (?1, ?2, ?3, ?4, ?5)";

// Schema version 4's table, keyed by the run id itself: only its migration writes it.
constexpr const char* insert_v4_sql =
  "INSERT INTO run_event_blocks (run_id, first_index, last_index, event_count, events)"
  " VALUES (?1, ?2, ?3, ?4, ?5)";

// A run's blocks from the one that may hold index ?2 on, for `SELECT … <this> ORDER BY
// first_index`, ?1 being the run's key. Blocks do not overlap, so of those starting at or
// before ?2 only the last can hold it: the subquery is one seek on the (run_key,
// first_index) index, and the outer query an index range from there.
constexpr const char* from_clause =
  " FROM run_event_blocks WHERE run_key = ?1 AND first_index >= COALESCE("
  "(SELECT first_index FROM run_event_blocks WHERE run_key = ?1 AND first_index <= ?2"
  " ORDER BY first_index DESC LIMIT 1), ?2)";

/// The key of `run_id`'s blocks, if it has any.
std::optional<int64_t> find_run_key(sqlite_connection& c, std::string_view run_id,
                                    std::string_view operation) {
  sqlite_statement_use query{
    c.handle(), c.prepared("SELECT run_key FROM event_runs WHERE run_id = ?1", "run_key"),
    operation};
  query.bind_view(1, run_id);
  if (query.next_row())
    return query.integer(0);
  return std::nullopt;
}

/// The key of `run_id`'s blocks, and whether it was given to it now (it had none).
/// Requires a write transaction: a key given in one that rolls back goes with it.
std::pair<int64_t, bool> run_key_of(sqlite_connection& c, std::string_view run_id,
                                    std::string_view operation) {
  if (auto key = find_run_key(c, run_id, operation))
    return {*key, false};
  sqlite_statement_use insert{
    c.handle(), c.prepared("INSERT INTO event_runs (run_id) VALUES (?1)", "run_key"),
    operation};
  insert.bind_view(1, run_id);
  insert.run();
  return {sqlite3_last_insert_rowid(c.handle()), true};
}

/// The index after the last stored event of the run with this key (0: none). Blocks do not
/// overlap, so the one starting last ends last: one seek from the index's end.
int64_t next_index_of_key(sqlite_connection& c, int64_t key, std::string_view operation) {
  sqlite_statement_use query{
    c.handle(),
    c.prepared("SELECT last_index + 1 FROM run_event_blocks WHERE run_key = ?1"
               " ORDER BY first_index DESC LIMIT 1",
               "next_event_index"),
    operation};
  query.bind(1, key);
  return query.next_row() ? query.integer(0) : 0;
}

bool index_less(const event_row& a, const event_row& b) {
  return a.index < b.index;
}

bool index_equal(const event_row& a, const event_row& b) {
  return a.index == b.index;
}

void bind_key(sqlite_statement_use& use, int64_t run_key) {
  use.bind(1, run_key);
}

void bind_key(sqlite_statement_use& use, std::string_view run_id) {
  use.bind_view(1, run_id);
}

/// Inserts one run's events (ascending, no index twice) as blocks of up to
/// block_target_bytes each (an event larger than that alone), the run named by `key` (its
/// key; its id in a version 4 table); `buffer` is scratch space reused across calls.
template <class Key>
void insert_blocks(sqlite3* db, sqlite3_stmt* insert, Key key,
                   const event_row* first, const event_row* last, std::string& buffer,
                   std::string_view operation) {
  while (first != last) {
    block_encoder block{buffer};
    auto end = first;
    while (end != last && block.add(*end, block_target_bytes))
      ++end;
    sqlite_statement_use use{db, insert, operation};
    bind_key(use, key);
    use.bind(2, first->index);
    use.bind(3, (end - 1)->index);
    use.bind(4, static_cast<int64_t>(end - first));
    use.bind_blob(5, buffer);
    use.run();
    first = end;
  }
}

/// The rowids of the run's stored blocks that reach into [lo, hi].
std::vector<int64_t> overlapping_blocks(sqlite_connection& c, int64_t run_key, int64_t lo,
                                        int64_t hi, std::string_view operation) {
  static const std::string sql = std::string{"SELECT rowid, last_index"} + from_clause
                                 + " AND first_index <= ?3 ORDER BY first_index";
  sqlite_statement_use find{c.handle(), c.prepared(sql, "append_events"), operation};
  find.bind(1, run_key);
  find.bind(2, lo);
  find.bind(3, hi);
  std::vector<int64_t> rowids;
  while (find.next_row())
    if (find.integer(1) >= lo)
      rowids.push_back(find.integer(0));
  return rowids;
}

/// Appends one run's events (ascending, no index twice); `tails` (if any) knows or learns
/// where the run's stored events end.
void append_run(sqlite_connection& c, const std::vector<event_row>& events, std::string& buffer,
                sqlite_run_tails* tails) {
  constexpr std::string_view operation = "append_events";
  auto* db = c.handle();
  auto* insert = c.prepared(insert_sql, "append_events");
  const auto run_id = events.front().run_id;
  const int64_t after = events.back().index + 1;
  auto known = tails ? tails->find(run_id) : std::nullopt;
  if (known && events.front().index >= known->next_index) {
    // The usual case, with no query: the run's next events, after everything stored.
    insert_blocks(db, insert, known->key, events.data(), events.data() + events.size(),
                  buffer, operation);
    tails->stage(run_id, {known->key, after});
    return;
  }
  const auto [key, given] = run_key_of(c, run_id, operation);
  const int64_t stored_end = given ? 0 : next_index_of_key(c, key, operation);
  if (tails)
    tails->stage(run_id, {key, std::max(stored_end, after)});
  if (events.front().index >= stored_end) {
    // The usual case, found: after everything stored.
    insert_blocks(db, insert, key, events.data(), events.data() + events.size(), buffer,
                  operation);
    return;
  }
  auto overlapping =
    overlapping_blocks(c, key, events.front().index, events.back().index, operation);
  if (overlapping.empty()) {
    // A hole filled between stored blocks.
    insert_blocks(db, insert, key, events.data(), events.data() + events.size(), buffer,
                  operation);
    return;
  }
  // A retried batch or a filled hole: the blocks it reaches into are read, merged with it
  // (a stored event wins over a new one with its index) and written again.
  std::vector<stored_event> stored;
  for (auto rowid : overlapping) {
    {
      sqlite_statement_use read{
        db, c.prepared("SELECT events FROM run_event_blocks WHERE rowid = ?1", "append_events"),
        operation};
      read.bind(1, rowid);
      if (read.next_row())
        decode_block(run_id, read.blob(0), std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<size_t>::max(), stored, operation);
    }
    sqlite_statement_use remove{
      db, c.prepared("DELETE FROM run_event_blocks WHERE rowid = ?1", "append_events"),
      operation};
    remove.bind(1, rowid);
    remove.run();
  }
  std::vector<event_row> merged;
  merged.reserve(stored.size() + events.size());
  auto next = events.begin();
  for (const auto& old : stored) {
    for (; next != events.end() && next->index < old.index; ++next)
      merged.push_back(*next);
    if (next != events.end() && next->index == old.index)
      ++next;
    merged.push_back({old.run_id, old.index, old.type, old.data, old.created_at});
  }
  merged.insert(merged.end(), next, events.end());
  insert_blocks(db, insert, key, merged.data(), merged.data() + merged.size(), buffer,
                operation);
}

} // namespace

void append_event_blocks(sqlite_connection& c, const std::vector<event_row>& events,
                         sqlite_run_tails* tails) {
  std::vector<event_row> run;
  std::string buffer;
  // A group commit lists each run's events together and in order; a run that shows up
  // twice is written twice (correct: the second write sees the first), only less tightly.
  for (size_t i = 0; i < events.size();) {
    size_t end = i + 1;
    while (end < events.size() && events[end].run_id == events[i].run_id)
      ++end;
    run.assign(events.begin() + static_cast<std::ptrdiff_t>(i),
               events.begin() + static_cast<std::ptrdiff_t>(end));
    if (!std::is_sorted(run.begin(), run.end(), index_less))
      std::stable_sort(run.begin(), run.end(), index_less);
    // The first of a repeated index stays, as with INSERT OR IGNORE.
    run.erase(std::unique(run.begin(), run.end(), index_equal), run.end());
    append_run(c, run, buffer, tails);
    i = end;
  }
}

std::vector<stored_event> load_event_blocks(sqlite_connection& c, const std::string& run_id,
                                            int64_t from, size_t limit) {
  std::vector<stored_event> events;
  visit_event_blocks(c, run_id, from, limit, [&](const stored_event_view& e) {
    events.push_back({run_id, e.index, std::string{e.type}, std::string{e.data}, e.created_at});
  });
  return events;
}

void visit_event_blocks(sqlite_connection& c, const std::string& run_id, int64_t from,
                        size_t limit, const std::function<void(const stored_event_view&)>& visit) {
  constexpr std::string_view operation = "load_events";
  if (limit == 0)
    return;
  auto key = find_run_key(c, run_id, operation);
  if (!key)
    return;
  static const std::string sql = std::string{"SELECT events"} + from_clause
                                 + " ORDER BY first_index";
  sqlite_statement_use query{c.handle(), c.prepared(sql, "load_events"), operation};
  query.bind(1, *key);
  query.bind(2, from);
  while (limit > 0 && query.next_row())
    limit -= visit_block(run_id, query.blob(0), from, limit, visit, operation);
}

int64_t next_event_index_of_blocks(sqlite_connection& c, const std::string& run_id) {
  constexpr std::string_view operation = "next_event_index";
  auto key = find_run_key(c, run_id, operation);
  return key ? next_index_of_key(c, *key, operation) : 0;
}

void move_event_rows_into_blocks(sqlite3* db) {
  constexpr std::string_view operation = "migrate schema to version 4";
  auto prepare = [&](const char* sql) {
    sqlite3_stmt* raw = nullptr;
    check(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr), db, operation);
    return sqlite_statement_ptr{raw};
  };
  auto select = prepare("SELECT run_id, event_index, event_type, data, created_at"
                        " FROM run_events ORDER BY run_id, event_index");
  auto insert = prepare(insert_v4_sql);
  std::vector<stored_event> pending;
  std::string buffer;
  auto flush = [&] {
    auto rows = rows_of(pending);
    insert_blocks(db, insert.get(), std::string_view{pending.front().run_id}, rows.data(),
                  rows.data() + rows.size(), buffer, operation);
    pending.clear();
  };
  {
    sqlite_statement_use rows{db, select.get(), operation};
    while (rows.next_row()) {
      stored_event event;
      event.run_id = rows.text(0);
      event.index = rows.integer(1);
      event.type = rows.text(2);
      event.data = rows.text(3);
      event.created_at = rows.real(4);
      if (!pending.empty() && pending.front().run_id != event.run_id)
        flush();
      pending.push_back(std::move(event));
      // Bounds the memory a long run takes here; its blocks stay in order either way.
      if (pending.size() == 4096)
        flush();
    }
  }
  if (!pending.empty())
    flush();
  // The statements must be finalized before their table can be dropped.
  select.reset();
  insert.reset();
  exec(db, "DROP TABLE run_events", operation);
}

} // namespace runcast::persistence::detail
