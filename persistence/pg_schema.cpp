#include "persistence/pg_schema.hpp"

#include "persistence/pg_connection.hpp"
#include "persistence/pg_rows.hpp"

#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>

namespace runcast::persistence::detail {

namespace {

/// One step of the schema; applied in order, each exactly once per database.
struct migration {
  int version;
  const char* sql;
};

// The same tables, columns and versions as sqlite_store's, so both backends mean the same by
// "schema version N". Append new versions at the end; never edit one that has shipped.
// Ids are COLLATE "C": list_runs and list_sessions break ties by id, and byte order is what
// SQLite uses; the database's own collation (often en_US) would order them differently.
constexpr migration migrations[] = {
  {1, R"sql(
CREATE TABLE sessions (
  session_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  created_at   DOUBLE PRECISION NOT NULL,
  updated_at   DOUBLE PRECISION NOT NULL
);
CREATE TABLE runs (
  run_id       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  session_id   TEXT COLLATE "C" NOT NULL,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  owner_node   TEXT NOT NULL,
  input        TEXT NOT NULL,
  params_json  TEXT NOT NULL DEFAULT '{}',
  status       TEXT NOT NULL,
  content      TEXT,
  error        TEXT,
  created_at   DOUBLE PRECISION NOT NULL,
  updated_at   DOUBLE PRECISION NOT NULL
);
CREATE INDEX runs_by_session ON runs (session_id, created_at);
CREATE INDEX runs_by_owner_status ON runs (owner_node, status);
CREATE INDEX runs_by_created ON runs (created_at, run_id);
CREATE TABLE run_events (
  run_id      TEXT COLLATE "C" NOT NULL,
  event_index BIGINT NOT NULL,
  event_type  TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (run_id, event_index)
);
)sql"},
  // Session listing: each sort key with session_id (its tie-break), and the two selective
  // filters; as in sqlite_store.
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
};

constexpr int latest_version = migrations[std::size(migrations) - 1].version;

// Key of the transaction-scoped advisory lock that serializes migrations ("runcast" in
// ASCII). Advisory locks are per database, so stores on other databases never wait on it.
constexpr int64_t migration_lock_key = 0x72756e63617374;

} // namespace

void migrate_schema(pg_connection& c) {
  pqxx::work tx{c.conn};
  // Two processes opening a fresh database together would both find no schema and both
  // create it; the lock makes the second wait and then find it done. It is released when
  // this transaction ends, whichever way.
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", migration_lock_key);
  tx.exec("CREATE TABLE IF NOT EXISTS schema_version ("
          " version INTEGER NOT NULL PRIMARY KEY,"
          " applied_at DOUBLE PRECISION NOT NULL)");
  const auto current =
    number_of<int64_t>(tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0]);
  if (current > latest_version)
    throw std::runtime_error("database schema version " + std::to_string(current)
                             + " is newer than this build supports ("
                             + std::to_string(latest_version) + "); upgrade runcast");
  for (const auto& m : migrations) {
    if (m.version <= current)
      continue;
    try {
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_version (version, applied_at)"
                     " VALUES ($1, EXTRACT(EPOCH FROM clock_timestamp()))",
                     m.version);
    } catch (const pqxx::sql_error& e) {
      throw std::runtime_error("to version " + std::to_string(m.version) + ": " + e.what());
    }
  }
  tx.commit();
}

} // namespace runcast::persistence::detail
