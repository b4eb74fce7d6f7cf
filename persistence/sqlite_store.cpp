#include "persistence/sqlite_store.hpp"

#include "persistence/session_order.hpp"
#include "persistence/sqlite_errors.hpp"
#include "persistence/sqlite_read_transaction.hpp"
#include "persistence/sqlite_rows.hpp"
#include "persistence/sqlite_schema.hpp"
#include "persistence/sqlite_statement_use.hpp"
#include "persistence/sqlite_transaction.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace runcast::persistence {

// The helpers live in internal headers (detail); named once here so the store methods stay
// as short as the SQL they run.
using detail::check;
using detail::exec;
using detail::fail;
using detail::read_run;
using detail::read_runs;
using detail::read_session;
using detail::run_columns;
using detail::session_columns;
using detail::sqlite_read_transaction;
using detail::sqlite_statement_use;
using detail::sqlite_transaction;

namespace {

int64_t clamp_to_int64(size_t n) {
  return static_cast<int64_t>(
    std::min<uint64_t>(n, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

} // namespace

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
  detail::migrate_schema(db_.get());
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

sqlite3_stmt* sqlite_store::prepared(const std::string& sql, const char* operation) {
  if (auto i = statements_.find(sql); i != statements_.end())
    return i->second.get();
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size() + 1),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  detail::sqlite_statement_ptr stmt{raw};
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
  sqlite_transaction tx{db, operation};
  {
    // An existing session keeps who and what created it; only updated_at moves.
    sqlite_statement_use insert_session{
      db,
      prepared("INSERT INTO sessions"
               " (session_id, user_id, kind, component_id, created_at, updated_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
               " ON CONFLICT (session_id)"
               " DO UPDATE SET updated_at = MAX(sessions.updated_at, excluded.updated_at)",
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
    sqlite_statement_use insert_run{db, prepared(sql, operation), operation};
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
  sqlite_statement_use update{
    db,
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
  sqlite_transaction tx{db, operation};
  auto* insert = prepared("INSERT OR IGNORE INTO run_events"
                          " (run_id, event_index, event_type, data, created_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
                          operation);
  for (const auto& event : events) {
    sqlite_statement_use use{db, insert, operation};
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
  sqlite_statement_use query{db, prepared(sql, operation), operation};
  query.bind(1, run_id);
  if (!query.next_row())
    return std::nullopt;
  return read_run(query, operation);
}

std::vector<run_record> sqlite_store::list_runs(const run_filter& filter) {
  constexpr const char* operation = "list_runs";
  // Each filter has a fixed parameter number, so the SQL text (the cache key) depends only
  // on which filters are set: at most 32 cached variants. Conditions are spelled out rather
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
  if (filter.user_id)
    add("user_id = ?7");
  // Newest first; run_id breaks ties so pages never overlap or skip.
  sql += " ORDER BY created_at DESC, run_id DESC LIMIT ?5 OFFSET ?6";

  std::lock_guard<std::mutex> lock{mutex_};
  sqlite_statement_use query{db_.get(), prepared(sql, operation), operation};
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
  if (filter.user_id)
    query.bind(7, *filter.user_id);
  return read_runs(query, operation);
}

std::vector<stored_event> sqlite_store::load_events(const std::string& run_id, int64_t from,
                                                    size_t limit) {
  constexpr const char* operation = "load_events";
  std::lock_guard<std::mutex> lock{mutex_};
  sqlite_statement_use query{
    db_.get(),
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
  sqlite_statement_use query{
    db_.get(), prepared("SELECT COUNT(*) FROM run_events WHERE run_id = ?1", operation),
    operation};
  query.bind(1, run_id);
  return query.next_row() ? query.integer(0) : 0;
}

session_page sqlite_store::list_sessions(const session_filter& filter) {
  constexpr const char* operation = "list_sessions";
  const auto [column, direction] = detail::order_of(filter);

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

  auto bind_filters = [&](sqlite_statement_use& query) {
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
  sqlite_read_transaction snapshot{db, operation};
  session_page result;
  {
    sqlite_statement_use count{db, prepared(count_sql, operation), operation};
    bind_filters(count);
    if (count.next_row())
      result.total_count = count.integer(0);
  }
  {
    sqlite_statement_use query{db, prepared(page_sql, operation), operation};
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
  sqlite_statement_use query{db_.get(), prepared(sql, operation), operation};
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
  sqlite_transaction tx{db, operation};
  auto remove = [&](const char* sql) {
    sqlite_statement_use use{db, prepared(sql, operation), operation};
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
  sqlite_statement_use query{db_.get(), prepared(sql, operation), operation};
  query.bind(1, owner_node);
  query.bind(2, run_status::pending);
  query.bind(3, run_status::running);
  return read_runs(query, operation);
}

} // namespace runcast::persistence
