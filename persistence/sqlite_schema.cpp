#include "persistence/sqlite_schema.hpp"

#include "persistence/sqlite_errors.hpp"
#include "persistence/sqlite_event_blocks.hpp"
#include "persistence/sqlite_handle.hpp"
#include "persistence/sqlite_statement_use.hpp"
#include "persistence/sqlite_transaction.hpp"
#include "persistence/store.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace runcast::persistence::detail {

namespace {

/// One step of the schema; applied in order, each exactly once per database: its SQL, then
/// its data step if it has one (what SQL alone cannot do).
struct migration {
  int version;
  const char* sql;
  void (*then)(sqlite3*) = nullptr;
};

// Append new versions at the end; never edit one that has shipped. Rowid tables get explicit
// NOT NULL on their TEXT primary keys because SQLite otherwise admits NULL keys there.
constexpr migration migrations[] = {
  {1, R"sql(
CREATE TABLE sessions (
  session_id   TEXT NOT NULL PRIMARY KEY,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  created_at   REAL NOT NULL,
  updated_at   REAL NOT NULL
);
CREATE TABLE runs (
  run_id       TEXT NOT NULL PRIMARY KEY,
  session_id   TEXT NOT NULL,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  owner_node   TEXT NOT NULL,
  input        TEXT NOT NULL,
  params_json  TEXT NOT NULL DEFAULT '{}',
  status       TEXT NOT NULL,
  content      TEXT,
  error        TEXT,
  created_at   REAL NOT NULL,
  updated_at   REAL NOT NULL
);
CREATE INDEX runs_by_session ON runs (session_id, created_at);
CREATE INDEX runs_by_owner_status ON runs (owner_node, status);
CREATE INDEX runs_by_created ON runs (created_at, run_id);
CREATE TABLE run_events (
  run_id      TEXT NOT NULL,
  event_index INTEGER NOT NULL,
  event_type  TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  REAL NOT NULL,
  PRIMARY KEY (run_id, event_index)
) WITHOUT ROWID;
)sql"},
  // Session listing: each sort key with session_id (its tie-break) so a page is read in index
  // order, and the two selective filters. kind has three values and gets no index.
  {2, R"sql(
CREATE INDEX sessions_by_created ON sessions (created_at, session_id);
CREATE INDEX sessions_by_updated ON sessions (updated_at, session_id);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_component ON sessions (component_id);
)sql"},
  // Members of teams and steps of workflows are runs too, recorded with their parent run.
  {3, R"sql(
ALTER TABLE runs ADD COLUMN parent_run_id TEXT NOT NULL DEFAULT '';
)sql"},
  // Events in blocks, many to a row (sqlite_event_blocks.hpp): a row per event made every
  // event a B-tree insert keyed by its run id. The events column is last, so reading the
  // other columns never touches a block's overflow pages. The old rows move over, then
  // their table goes.
  {4, R"sql(
CREATE TABLE run_event_blocks (
  run_id      TEXT NOT NULL,
  first_index INTEGER NOT NULL,
  last_index  INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  events      BLOB NOT NULL
);
CREATE UNIQUE INDEX run_event_blocks_by_run ON run_event_blocks (run_id, first_index);
)sql",
   &move_event_rows_into_blocks},
  // Blocks keyed by a small integer per run, not its 36-byte id: the (run, first_index)
  // index is a quarter of the size, and so are the bytes a commit of many runs' events
  // writes of it (a leaf page per run, rewritten whole into the WAL). Keys are given in the
  // order of the run ids, as the old index held them.
  {5, R"sql(
CREATE TABLE event_runs (
  run_key INTEGER PRIMARY KEY,
  run_id  TEXT NOT NULL UNIQUE
);
INSERT INTO event_runs (run_id) SELECT DISTINCT run_id FROM run_event_blocks ORDER BY run_id;
CREATE TABLE event_blocks (
  run_key     INTEGER NOT NULL,
  first_index INTEGER NOT NULL,
  last_index  INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  events      BLOB NOT NULL
);
INSERT INTO event_blocks (run_key, first_index, last_index, event_count, events)
  SELECT r.run_key, b.first_index, b.last_index, b.event_count, b.events
  FROM run_event_blocks b JOIN event_runs r ON r.run_id = b.run_id ORDER BY b.rowid;
DROP TABLE run_event_blocks;
ALTER TABLE event_blocks RENAME TO run_event_blocks;
CREATE UNIQUE INDEX run_event_blocks_by_run ON run_event_blocks (run_key, first_index);
)sql"},
  // Blocks of format 2: each event as it differs from the one before (sqlite_event_block.hpp),
  // well under half the bytes. No SQL: blocks of format 1 stay and read as they are. The
  // version says that the file may now hold blocks a version before this one cannot read,
  // so such a version refuses the file at start rather than failing on some runs' events.
  {6, ""},
};

constexpr int latest_version = migrations[std::size(migrations) - 1].version;

} // namespace

void migrate_schema(sqlite3* db) {
  constexpr std::string_view operation = "migrate schema";
  // One write transaction around check-and-apply, so two processes opening a fresh file at
  // once migrate one after the other, and a failed migration leaves the old schema intact.
  sqlite_transaction tx{db, operation};
  exec(db,
       "CREATE TABLE IF NOT EXISTS schema_version ("
       " version INTEGER NOT NULL PRIMARY KEY,"
       " applied_at REAL NOT NULL)",
       operation);

  int64_t current = 0;
  {
    sqlite3_stmt* raw = nullptr;
    check(sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1,
                             &raw, nullptr),
          db, operation);
    sqlite_statement_ptr stmt{raw};
    sqlite_statement_use query{db, stmt.get(), operation};
    if (query.next_row())
      current = query.integer(0);
  }
  if (current > latest_version)
    throw store_error("sqlite store: " + std::string{operation} + ": database schema version "
                      + std::to_string(current) + " is newer than this build supports ("
                      + std::to_string(latest_version) + "); upgrade runcast");

  for (const auto& m : migrations) {
    if (m.version <= current)
      continue;
    const std::string step = std::string{operation} + " to version " + std::to_string(m.version);
    exec(db, m.sql, step);
    if (m.then != nullptr)
      m.then(db);
    // The version is ours, not user input, so formatting it into the SQL is safe.
    const std::string record = "INSERT INTO schema_version (version, applied_at) VALUES ("
                               + std::to_string(m.version)
                               + ", (julianday('now') - 2440587.5) * 86400.0)";
    exec(db, record.c_str(), step);
  }
  tx.commit();
}

} // namespace runcast::persistence::detail
