#include "persistence/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace runcast::persistence {

namespace {

// -- schema ----------------------------------------------------------------------------------

/// One step of the schema; applied in order, each exactly once per database.
struct migration {
  int version;
  const char* sql;
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
};

constexpr int latest_version = migrations[std::size(migrations) - 1].version;

// Column order read by read_run().
constexpr std::string_view run_columns =
  "run_id, session_id, user_id, kind, component_id, owner_node, input, params_json, status, "
  "content, error, created_at, updated_at";

// Column order read by read_session(); run_count is counted, not stored, so it can never
// drift from the runs table (runs_by_session makes the count an index range scan).
constexpr std::string_view session_columns =
  "s.session_id, s.user_id, s.kind, s.component_id, s.created_at, s.updated_at,"
  " (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.session_id)";

// -- errors ----------------------------------------------------------------------------------

[[noreturn]] void fail(sqlite3* db, std::string_view operation) {
  throw store_error("sqlite store: " + std::string{operation} + ": " + sqlite3_errmsg(db));
}

void check(int rc, sqlite3* db, std::string_view operation) {
  if (rc != SQLITE_OK)
    fail(db, operation);
}

/// Runs SQL that returns no rows we need (DDL, PRAGMAs, transaction control).
void exec(sqlite3* db, const char* sql, std::string_view operation) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK)
    return;
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  throw store_error("sqlite store: " + std::string{operation} + ": " + text);
}

int64_t clamp_to_int64(size_t n) {
  return static_cast<int64_t>(
    std::min<uint64_t>(n, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

// -- RAII helpers ----------------------------------------------------------------------------

/// A write transaction that rolls back unless committed.
class transaction {
public:
  // IMMEDIATE takes the write lock up front, so a competing writer (another process on the
  // same file) is waited for by busy_timeout here instead of failing with SQLITE_BUSY when a
  // read transaction tries to upgrade halfway through.
  transaction(sqlite3* db, std::string_view operation) : db_(db), operation_(operation) {
    exec(db_, "BEGIN IMMEDIATE", operation_);
  }

  ~transaction() {
    // A failed COMMIT may or may not have ended the transaction; ask instead of guessing.
    if (sqlite3_get_autocommit(db_) == 0)
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  void commit() {
    exec(db_, "COMMIT", operation_);
  }

private:
  sqlite3* db_;
  std::string_view operation_;
};

/// A read transaction: every query inside it sees one snapshot of the database.
class read_transaction {
public:
  // Plain (deferred) BEGIN takes no write lock; the snapshot starts at the first read, and
  // WAL keeps it stable while other connections commit.
  read_transaction(sqlite3* db, std::string_view operation) : db_(db) {
    exec(db_, "BEGIN", operation);
  }

  // Nothing was written, so ending by rollback loses nothing and cannot fail meaningfully.
  ~read_transaction() {
    if (sqlite3_get_autocommit(db_) == 0)
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;

private:
  sqlite3* db_;
};

/// One use of a cached prepared statement: bind, step, read columns.
class statement_use {
public:
  statement_use(sqlite3* db, sqlite3_stmt* stmt, std::string_view operation)
    : db_(db), stmt_(stmt), operation_(operation) {
    // Nothing to do: the previous use left the statement reset and unbound.
  }

  // Reset on every exit path, exceptions included: a cached SELECT left mid-way would keep
  // its read transaction open and stop WAL checkpoints from ever completing.
  ~statement_use() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;

  // Text is bound without copying (SQLITE_STATIC), so it must outlive this use; the rvalue
  // overloads are deleted to make binding a temporary a compile error.
  void bind(int index, const std::string& text) {
    check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC,
                              SQLITE_UTF8),
          db_, operation_);
  }
  void bind(int index, std::string&&) = delete;

  void bind(int index, const std::optional<std::string>& text) {
    if (text)
      bind(index, *text);
    else
      check(sqlite3_bind_null(stmt_, index), db_, operation_);
  }
  void bind(int index, std::optional<std::string>&&) = delete;

  void bind(int index, double value) {
    check(sqlite3_bind_double(stmt_, index, value), db_, operation_);
  }

  void bind(int index, int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value), db_, operation_);
  }

  /// Binds a status by its upper-case name (static storage, so no copy is needed).
  void bind(int index, run_status status) {
    auto name = to_string(status);
    check(sqlite3_bind_text(stmt_, index, name.data(), static_cast<int>(name.size()),
                            SQLITE_STATIC),
          db_, operation_);
  }

  /// Steps once; true if a row is available, throws on error.
  bool next_row() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
      return true;
    if (rc == SQLITE_DONE)
      return false;
    fail(db_, operation_);
  }

  /// Runs a statement that returns no rows.
  void run() {
    int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_DONE)
      fail(db_, operation_);
  }

  /// Steps once and returns the (extended) result code for the caller to interpret.
  int step_unchecked() {
    return sqlite3_step(stmt_);
  }

  std::string text(int column) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (p == nullptr)
      return {};
    return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }

  std::optional<std::string> optional_text(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL)
      return std::nullopt;
    return text(column);
  }

  double real(int column) const {
    return sqlite3_column_double(stmt_, column);
  }

  int64_t integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
  }

private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string_view operation_;
};

/// Reads the current row (selected with run_columns) into a run_record.
run_record read_run(const statement_use& row, std::string_view operation) {
  run_record run;
  run.run_id = row.text(0);
  run.session_id = row.text(1);
  run.user_id = row.text(2);
  run.kind = row.text(3);
  run.component_id = row.text(4);
  run.owner_node = row.text(5);
  run.input = row.text(6);
  run.params_json = row.text(7);
  auto status_text = row.text(8);
  auto status = parse_run_status(status_text);
  if (!status)
    throw store_error("sqlite store: " + std::string{operation} + ": run '" + run.run_id
                      + "' has unknown status '" + status_text + "'");
  run.status = *status;
  run.content = row.optional_text(9);
  run.error = row.optional_text(10);
  run.created_at = row.real(11);
  run.updated_at = row.real(12);
  return run;
}

/// Reads the current row (selected with session_columns) into a session_record.
session_record read_session(const statement_use& row) {
  session_record session;
  session.session_id = row.text(0);
  session.user_id = row.text(1);
  session.kind = row.text(2);
  session.component_id = row.text(3);
  session.created_at = row.real(4);
  session.updated_at = row.real(5);
  session.run_count = row.integer(6);
  return session;
}

std::vector<run_record> read_runs(statement_use& query, std::string_view operation) {
  std::vector<run_record> runs;
  while (query.next_row())
    runs.push_back(read_run(query, operation));
  return runs;
}

} // namespace

// -- deleters --------------------------------------------------------------------------------

void sqlite_store::connection_deleter::operator()(sqlite3* db) const noexcept {
  // close_v2 also copes with statements still alive, but statements_ is destroyed first.
  sqlite3_close_v2(db);
}

void sqlite_store::statement_deleter::operator()(sqlite3_stmt* stmt) const noexcept {
  sqlite3_finalize(stmt);
}

// -- constructors, destructors ---------------------------------------------------------------

sqlite_store::sqlite_store(const std::string& path) {
  const std::string operation = "open '" + path + "'";
  sqlite3* raw = nullptr;
  // NOMUTEX: mutex_ already serializes every use of this connection, so SQLite's own
  // per-connection mutex would only add cost.
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  // The handle is allocated even when opening fails; own it first so it is always closed.
  db_.reset(raw);
  if (raw == nullptr)
    throw store_error("sqlite store: " + operation + ": out of memory");
  if (rc != SQLITE_OK)
    fail(raw, operation);
  std::lock_guard<std::mutex> lock{mutex_};
  configure();
  migrate();
}

sqlite_store::~sqlite_store() = default;

// -- helpers ---------------------------------------------------------------------------------

void sqlite_store::configure() {
  auto* db = db_.get();
  // Extended codes let create_run tell a duplicate primary key from other failures.
  sqlite3_extended_result_codes(db, 1);
  // Another process (or a second store on the same file) may hold the write lock briefly;
  // wait for it rather than failing at once.
  check(sqlite3_busy_timeout(db, 5000), db, "configure busy_timeout");
  // WAL lets readers proceed while a writer commits; synchronous=NORMAL is safe with WAL
  // (no corruption on power loss, only the last commits may be lost) and avoids an fsync
  // per transaction, which is what bounds event throughput.
  exec(db, "PRAGMA journal_mode = WAL", "configure journal_mode");
  exec(db, "PRAGMA synchronous = NORMAL", "configure synchronous");
  // The schema declares no foreign keys (events may be written behind a run's creation
  // by the event log), so foreign_keys stays at SQLite's default.
}

void sqlite_store::migrate() {
  auto* db = db_.get();
  constexpr std::string_view operation = "migrate schema";
  // One write transaction around check-and-apply, so two processes opening a fresh file at
  // once migrate one after the other, and a failed migration leaves the old schema intact.
  transaction tx{db, operation};
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
    statement_ptr stmt{raw};
    statement_use query{db, stmt.get(), operation};
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
    // The version is ours, not user input, so formatting it into the SQL is safe.
    const std::string record = "INSERT INTO schema_version (version, applied_at) VALUES ("
                               + std::to_string(m.version)
                               + ", (julianday('now') - 2440587.5) * 86400.0)";
    exec(db, record.c_str(), step);
  }
  tx.commit();
}

sqlite3_stmt* sqlite_store::prepared(const std::string& sql, const char* operation) {
  if (auto i = statements_.find(sql); i != statements_.end())
    return i->second.get();
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size() + 1),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  statement_ptr stmt{raw};
  check(rc, db_.get(), operation);
  return statements_.emplace(sql, std::move(stmt)).first->second.get();
}

// -- store interface -------------------------------------------------------------------------

void sqlite_store::create_run(const run_record& run) {
  constexpr const char* operation = "create_run";
  std::lock_guard<std::mutex> lock{mutex_};
  auto* db = db_.get();
  // Session and run land together or not at all: a duplicate run id rolls back the
  // session's updated_at too.
  transaction tx{db, operation};
  {
    // An existing session keeps who and what created it; only updated_at moves.
    statement_use insert_session{
      db,
      prepared("INSERT INTO sessions"
               " (session_id, user_id, kind, component_id, created_at, updated_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
               " ON CONFLICT (session_id) DO UPDATE SET updated_at = excluded.updated_at",
               operation),
      operation};
    insert_session.bind(1, run.session_id);
    insert_session.bind(2, run.user_id);
    insert_session.bind(3, run.kind);
    insert_session.bind(4, run.component_id);
    insert_session.bind(5, run.created_at);
    insert_session.run();
  }
  {
    static const std::string sql =
      "INSERT INTO runs (" + std::string{run_columns}
      + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
    statement_use insert_run{db, prepared(sql, operation), operation};
    insert_run.bind(1, run.run_id);
    insert_run.bind(2, run.session_id);
    insert_run.bind(3, run.user_id);
    insert_run.bind(4, run.kind);
    insert_run.bind(5, run.component_id);
    insert_run.bind(6, run.owner_node);
    insert_run.bind(7, run.input);
    insert_run.bind(8, run.params_json);
    insert_run.bind(9, run.status);
    insert_run.bind(10, run.content);
    insert_run.bind(11, run.error);
    insert_run.bind(12, run.created_at);
    insert_run.bind(13, run.updated_at);
    int rc = insert_run.step_unchecked();
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw store_error("sqlite store: create_run: run '" + run.run_id + "' exists already");
    if (rc != SQLITE_DONE)
      fail(db, operation);
  }
  tx.commit();
}

bool sqlite_store::update_run_status(const std::string& run_id, run_status status,
                                     const std::optional<std::string>& content,
                                     const std::optional<std::string>& error,
                                     double updated_at) {
  constexpr const char* operation = "update_run_status";
  std::lock_guard<std::mutex> lock{mutex_};
  auto* db = db_.get();
  // COALESCE keeps an earlier content/error when this update does not carry one.
  statement_use update{db,
                       prepared("UPDATE runs SET status = ?2, content = COALESCE(?3, content),"
                                " error = COALESCE(?4, error), updated_at = ?5"
                                " WHERE run_id = ?1",
                                operation),
                       operation};
  update.bind(1, run_id);
  update.bind(2, status);
  update.bind(3, content);
  update.bind(4, error);
  update.bind(5, updated_at);
  update.run();
  return sqlite3_changes(db) > 0;
}

void sqlite_store::append_events(const std::vector<stored_event>& events) {
  constexpr const char* operation = "append_events";
  if (events.empty())
    return;
  std::lock_guard<std::mutex> lock{mutex_};
  auto* db = db_.get();
  // One transaction per batch: one WAL commit for the lot, which is the whole point of the
  // event log's group commit. OR IGNORE makes a retried batch a no-op for rows already in.
  transaction tx{db, operation};
  auto* insert = prepared("INSERT OR IGNORE INTO run_events"
                          " (run_id, event_index, event_type, data, created_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
                          operation);
  for (const auto& event : events) {
    statement_use use{db, insert, operation};
    use.bind(1, event.run_id);
    use.bind(2, event.index);
    use.bind(3, event.type);
    use.bind(4, event.data);
    use.bind(5, event.created_at);
    use.run();
  }
  tx.commit();
}

std::optional<run_record> sqlite_store::find_run(const std::string& run_id) {
  constexpr const char* operation = "find_run";
  std::lock_guard<std::mutex> lock{mutex_};
  auto* db = db_.get();
  static const std::string sql =
    "SELECT " + std::string{run_columns} + " FROM runs WHERE run_id = ?1";
  statement_use query{db, prepared(sql, operation), operation};
  query.bind(1, run_id);
  if (!query.next_row())
    return std::nullopt;
  return read_run(query, operation);
}

std::vector<run_record> sqlite_store::list_runs(const run_filter& filter) {
  constexpr const char* operation = "list_runs";
  // Each filter has a fixed parameter number, so the SQL text (the cache key) depends only
  // on which filters are set: at most 16 cached variants. Conditions are spelled out rather
  // than `?1 IS NULL OR …` so the planner can use the session index.
  std::string sql = "SELECT " + std::string{run_columns} + " FROM runs";
  const char* glue = " WHERE ";
  auto add = [&](const char* condition) {
    sql += glue;
    sql += condition;
    glue = " AND ";
  };
  if (filter.session_id)
    add("session_id = ?1");
  if (filter.kind)
    add("kind = ?2");
  if (filter.component_id)
    add("component_id = ?3");
  if (filter.status)
    add("status = ?4");
  // Newest first; run_id breaks ties so pages never overlap or skip.
  sql += " ORDER BY created_at DESC, run_id DESC LIMIT ?5 OFFSET ?6";

  std::lock_guard<std::mutex> lock{mutex_};
  statement_use query{db_.get(), prepared(sql, operation), operation};
  if (filter.session_id)
    query.bind(1, *filter.session_id);
  if (filter.kind)
    query.bind(2, *filter.kind);
  if (filter.component_id)
    query.bind(3, *filter.component_id);
  if (filter.status)
    query.bind(4, *filter.status);
  query.bind(5, clamp_to_int64(filter.limit));
  query.bind(6, clamp_to_int64(filter.offset));
  return read_runs(query, operation);
}

std::vector<stored_event> sqlite_store::load_events(const std::string& run_id, int64_t from,
                                                    size_t limit) {
  constexpr const char* operation = "load_events";
  std::lock_guard<std::mutex> lock{mutex_};
  statement_use query{db_.get(),
                      prepared("SELECT event_index, event_type, data, created_at"
                               " FROM run_events WHERE run_id = ?1 AND event_index >= ?2"
                               " ORDER BY event_index LIMIT ?3",
                               operation),
                      operation};
  query.bind(1, run_id);
  query.bind(2, from);
  query.bind(3, clamp_to_int64(limit));
  std::vector<stored_event> events;
  while (query.next_row()) {
    stored_event event;
    event.run_id = run_id;
    event.index = query.integer(0);
    event.type = query.text(1);
    event.data = query.text(2);
    event.created_at = query.real(3);
    events.push_back(std::move(event));
  }
  return events;
}

int64_t sqlite_store::count_events(const std::string& run_id) {
  constexpr const char* operation = "count_events";
  std::lock_guard<std::mutex> lock{mutex_};
  statement_use query{db_.get(),
                      prepared("SELECT COUNT(*) FROM run_events WHERE run_id = ?1", operation),
                      operation};
  query.bind(1, run_id);
  return query.next_row() ? query.integer(0) : 0;
}

session_page sqlite_store::list_sessions(const session_filter& filter) {
  constexpr const char* operation = "list_sessions";
  // The ORDER BY column comes from this fixed choice, never from the caller's text.
  const char* column = nullptr;
  if (filter.sort_by == "created_at")
    column = "created_at";
  else if (filter.sort_by == "updated_at")
    column = "updated_at";
  else
    throw std::invalid_argument("list_sessions: sort_by must be created_at or updated_at");
  if (filter.limit == 0 || filter.page == 0)
    throw std::invalid_argument("list_sessions: limit and page must be at least 1");
  const char* direction = filter.descending ? " DESC" : " ASC";

  // As in list_runs: fixed parameter numbers, so the SQL text depends only on which filters
  // are set and on the order (at most 32 page variants and 8 count variants).
  std::string where;
  const char* glue = " WHERE ";
  auto add = [&](const char* condition) {
    where += glue;
    where += condition;
    glue = " AND ";
  };
  if (filter.kind)
    add("s.kind = ?1");
  if (filter.component_id)
    add("s.component_id = ?2");
  if (filter.user_id)
    add("s.user_id = ?3");
  const std::string count_sql = "SELECT COUNT(*) FROM sessions s" + where;
  // session_id breaks ties in the same direction, so pages never overlap or skip.
  const std::string page_sql = "SELECT " + std::string{session_columns} + " FROM sessions s"
                               + where + " ORDER BY s." + column + direction
                               + ", s.session_id" + direction + " LIMIT ?4 OFFSET ?5";
  const auto limit = clamp_to_int64(filter.limit);
  const uint64_t skipped_pages = filter.page - 1;
  const auto int64_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const auto offset = skipped_pages > int64_max / filter.limit
                        ? std::numeric_limits<int64_t>::max()
                        : clamp_to_int64(skipped_pages * filter.limit);

  auto bind_filters = [&](statement_use& query) {
    if (filter.kind)
      query.bind(1, *filter.kind);
    if (filter.component_id)
      query.bind(2, *filter.component_id);
    if (filter.user_id)
      query.bind(3, *filter.user_id);
  };

  std::lock_guard<std::mutex> lock{mutex_};
  auto* db = db_.get();
  // One snapshot for both queries, so total_count agrees with the page even while another
  // process writes to the file.
  read_transaction snapshot{db, operation};
  session_page result;
  {
    statement_use count{db, prepared(count_sql, operation), operation};
    bind_filters(count);
    if (count.next_row())
      result.total_count = count.integer(0);
  }
  {
    statement_use query{db, prepared(page_sql, operation), operation};
    bind_filters(query);
    query.bind(4, limit);
    query.bind(5, offset);
    while (query.next_row())
      result.sessions.push_back(read_session(query));
  }
  return result;
}

std::optional<session_record> sqlite_store::find_session(const std::string& session_id) {
  constexpr const char* operation = "find_session";
  std::lock_guard<std::mutex> lock{mutex_};
  static const std::string sql =
    "SELECT " + std::string{session_columns} + " FROM sessions s WHERE s.session_id = ?1";
  statement_use query{db_.get(), prepared(sql, operation), operation};
  query.bind(1, session_id);
  if (!query.next_row())
    return std::nullopt;
  return read_session(query);
}

bool sqlite_store::delete_session(const std::string& session_id) {
  constexpr const char* operation = "delete_session";
  std::lock_guard<std::mutex> lock{mutex_};
  auto* db = db_.get();
  // All or nothing: a half-deleted session would leave runs without a session or events
  // without a run. Events go first because they are found through the runs.
  transaction tx{db, operation};
  auto remove = [&](const char* sql) {
    statement_use use{db, prepared(sql, operation), operation};
    use.bind(1, session_id);
    use.run();
  };
  remove("DELETE FROM run_events"
         " WHERE run_id IN (SELECT run_id FROM runs WHERE session_id = ?1)");
  remove("DELETE FROM runs WHERE session_id = ?1");
  remove("DELETE FROM sessions WHERE session_id = ?1");
  // sqlite3_changes counts the most recent statement only: the sessions delete.
  const bool existed = sqlite3_changes(db) > 0;
  tx.commit();
  return existed;
}

std::vector<run_record> sqlite_store::unfinished_runs(const std::string& owner_node) {
  constexpr const char* operation = "unfinished_runs";
  std::lock_guard<std::mutex> lock{mutex_};
  static const std::string sql = "SELECT " + std::string{run_columns}
                                 + " FROM runs WHERE owner_node = ?1 AND status IN (?2, ?3)"
                                   " ORDER BY created_at, run_id";
  statement_use query{db_.get(), prepared(sql, operation), operation};
  query.bind(1, owner_node);
  query.bind(2, run_status::pending);
  query.bind(3, run_status::running);
  return read_runs(query, operation);
}

} // namespace runcast::persistence
