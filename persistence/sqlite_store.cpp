#include "persistence/sqlite_store.hpp"

#include "persistence/sqlite_checkpointer.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_errors.hpp"
#include "persistence/sqlite_event_blocks.hpp"
#include "persistence/sqlite_read_pool.hpp"
#include "persistence/sqlite_rows.hpp"
#include "persistence/sqlite_schema.hpp"
#include "persistence/sqlite_statement_use.hpp"
#include "persistence/sqlite_transaction.hpp"

#include <sqlite3.h>

#include <mutex>
#include <string>

// The writes (and opening); the reads are in sqlite_store_reads.cpp.

namespace runcast::persistence {

// The helpers live in internal headers (detail); named once here so the store methods stay
// as short as the SQL they run.
using detail::exec;
using detail::fail;
using detail::run_columns;
using detail::sqlite_statement_use;
using detail::sqlite_transaction;

namespace {
// The WAL's size at which the checkpointer copies it back: SQLite's own default for its
// automatic checkpoint (1,000 pages of 4 KiB), in bytes, since a file's page size varies.
constexpr int checkpoint_bytes = 4096 * 1000;
} // namespace

// -- constructors, destructors ---------------------------------------------------------------

sqlite_store::sqlite_store(const std::string& path, size_t read_connections)
  : writer_(std::make_unique<detail::sqlite_connection>(
    path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)) {
  int page_bytes = 0;
  {
    std::lock_guard<std::mutex> lock{writer_->mutex()};
    auto* db = writer_->handle();
    // Before anything is written: a new file gets 16 KiB pages (SQLite ignores this for a
    // file that has its schema). An event row is ~300 bytes; with 4 KiB pages the event
    // table's B-tree splits four times as often and its key compares and page writes were
    // the largest part of a commit: with 16 KiB, 1,024-row commits took 0.79x the time
    // (bench/RESULTS.md). Existing files keep their page size until a VACUUM.
    exec(db, "PRAGMA page_size = 16384", "configure page_size");
    // WAL lets readers proceed while a writer commits (the read connections below rely on
    // it); synchronous=NORMAL is safe with WAL (no corruption on power loss, only the last
    // commits may be lost) and avoids an fsync per transaction, which is what bounds event
    // throughput. Both are the writer's business: journal_mode is stored in the file.
    exec(db, "PRAGMA journal_mode = WAL", "configure journal_mode");
    exec(db, "PRAGMA synchronous = NORMAL", "configure synchronous");
    // The schema declares no foreign keys (events may be written behind a run's creation
    // by the event log), so foreign_keys stays at SQLite's default.
    detail::migrate_schema(db);
    // 16 KiB for files this version created, SQLite's 4 KiB for older ones.
    sqlite_statement_use query{db, writer_->prepared("PRAGMA page_size", "read page_size"),
                               "read page_size"};
    page_bytes = query.next_row() ? static_cast<int>(query.integer(0)) : 4096;
  }
  // Only now: a read-only connection cannot create the file or the schema it reads.
  readers_ = std::make_unique<detail::sqlite_read_pool>(*writer_, path, read_connections);
  if (detail::sqlite_read_pool::shareable(path)) {
    // Checkpoints move off the writer (sqlite_checkpointer.hpp): no commit waits for one.
    // SQLite's pages are 512 B to 64 KiB: the threshold is 62 to 8,000 pages.
    checkpointer_ =
      std::make_unique<detail::sqlite_checkpointer>(path, checkpoint_bytes / page_bytes);
    std::lock_guard<std::mutex> lock{writer_->mutex()};
    exec(writer_->handle(), "PRAGMA wal_autocheckpoint = 0", "configure wal_autocheckpoint");
    sqlite3_wal_hook(writer_->handle(), &detail::sqlite_checkpointer::hook, checkpointer_.get());
  }
}

sqlite_store::~sqlite_store() {
  if (checkpointer_) {
    // No commit may reach the checkpointer once it is gone; the writer, closing last,
    // checkpoints what is left.
    std::lock_guard<std::mutex> lock{writer_->mutex()};
    sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
  }
  checkpointer_.reset();
}

// -- store interface -------------------------------------------------------------------------

void sqlite_store::create_run(const run_record& run) {
  std::lock_guard<std::mutex> lock{writer_->mutex()};
  // Session and run land together or not at all: a duplicate run id rolls back the
  // session's updated_at too.
  sqlite_transaction tx{writer_->handle(), "create_run"};
  insert_run(run);
  tx.commit();
}

bool sqlite_store::update_run_status(const std::string& run_id, run_status status,
                                     const std::optional<std::string>& content,
                                     const std::optional<std::string>& error,
                                     double updated_at) {
  std::lock_guard<std::mutex> lock{writer_->mutex()};
  return change_status({run_id, status, content, error, updated_at});
}

void sqlite_store::append_events(const std::vector<stored_event>& events) {
  if (events.empty())
    return;
  std::lock_guard<std::mutex> lock{writer_->mutex()};
  // One transaction per batch: one WAL commit for the lot, which is the whole point of the
  // event log's group commit. A retried batch skips the events already in.
  sqlite_transaction tx{writer_->handle(), "append_events"};
  append_rows(rows_of(events));
  commit(tx);
}

std::vector<bool> sqlite_store::write(const write_group& group) {
  std::vector<bool> found;
  if (group.empty())
    return found;
  found.reserve(group.statuses.size());
  std::lock_guard<std::mutex> lock{writer_->mutex()};
  // One WAL commit for many runs' rows: what makes a burst of starts cheap.
  sqlite_transaction tx{writer_->handle(), "write"};
  for (const auto& run : group.runs)
    insert_run(run);
  append_rows(group.events);
  for (const auto& change : group.statuses)
    found.push_back(change_status(change));
  commit(tx);
  return found;
}

// -- writes inside a transaction (the writer's mutex held) -----------------------------------

void sqlite_store::append_rows(const std::vector<event_row>& rows) {
  // Also with no rows: it drops what a transaction that failed staged, which this one's
  // commit would otherwise take as known.
  tails_.begin(*writer_);
  if (!rows.empty())
    detail::append_event_blocks(*writer_, rows, &tails_);
}

void sqlite_store::commit(sqlite_transaction& tx) {
  try {
    tx.commit();
  } catch (...) {
    tails_.rollback();
    throw;
  }
  tails_.commit(); // nothing staged unless append_rows ran in this transaction
}

void sqlite_store::insert_run(const run_record& run) {
  constexpr const char* operation = "create_run";
  auto* db = writer_->handle();
  {
    // An existing session keeps who and what created it; only updated_at moves.
    sqlite_statement_use insert_session{
      db,
      writer_->prepared("INSERT INTO sessions"
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
  static const std::string sql =
    "INSERT INTO runs (" + std::string{run_columns}
    + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
  sqlite_statement_use insert{db, writer_->prepared(sql, operation), operation};
  insert.bind(1, run.run_id);
  insert.bind(2, run.session_id);
  insert.bind(3, run.user_id);
  insert.bind(4, run.kind);
  insert.bind(5, run.component_id);
  insert.bind(6, run.owner_node);
  insert.bind(7, run.input);
  insert.bind(8, run.params_json);
  insert.bind(9, run.status);
  insert.bind(10, run.content);
  insert.bind(11, run.error);
  insert.bind(12, run.created_at);
  insert.bind(13, run.updated_at);
  insert.bind(14, run.parent_run_id);
  int rc = insert.step_unchecked();
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    throw store_error("sqlite store: create_run: run '" + run.run_id + "' exists already");
  if (rc != SQLITE_DONE)
    fail(db, operation);
}

bool sqlite_store::change_status(const status_change& change) {
  constexpr const char* operation = "update_run_status";
  auto* db = writer_->handle();
  // COALESCE keeps an earlier content/error when this update does not carry one.
  sqlite_statement_use update{
    db,
    writer_->prepared("UPDATE runs SET status = ?2, content = COALESCE(?3, content),"
                      " error = COALESCE(?4, error), updated_at = ?5"
                      " WHERE run_id = ?1",
                      operation),
    operation};
  update.bind(1, change.run_id);
  update.bind(2, change.status);
  update.bind(3, change.content);
  update.bind(4, change.error);
  update.bind(5, change.updated_at);
  update.run();
  return sqlite3_changes(db) > 0;
}

bool sqlite_store::delete_session(const std::string& session_id) {
  constexpr const char* operation = "delete_session";
  std::lock_guard<std::mutex> lock{writer_->mutex()};
  auto* db = writer_->handle();
  // All or nothing: a half-deleted session would leave runs without a session or events
  // without a run. Events go first because they are found through the runs.
  sqlite_transaction tx{db, operation};
  auto remove = [&](const char* sql) {
    sqlite_statement_use use{db, writer_->prepared(sql, operation), operation};
    use.bind(1, session_id);
    use.run();
  };
  remove("DELETE FROM run_event_blocks WHERE run_key IN (SELECT run_key FROM event_runs"
         " WHERE run_id IN (SELECT run_id FROM runs WHERE session_id = ?1))");
  remove("DELETE FROM event_runs"
         " WHERE run_id IN (SELECT run_id FROM runs WHERE session_id = ?1)");
  remove("DELETE FROM runs WHERE session_id = ?1");
  remove("DELETE FROM sessions WHERE session_id = ?1");
  // sqlite3_changes counts the most recent statement only: the sessions delete.
  const bool existed = sqlite3_changes(db) > 0;
  tx.commit();
  tails_.clear(); // the deleted runs' keys are gone
  return existed;
}

} // namespace runcast::persistence
