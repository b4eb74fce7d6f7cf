#pragma once

#include "persistence/sqlite_handle.hpp"
#include "persistence/store.hpp"

#include <mutex>
#include <string>
#include <unordered_map>

namespace runcast::persistence {

/// The embedded store: one SQLite database file in WAL mode, schema created and migrated by
/// the program on open.
class sqlite_store : public store {
public:
  // -- constructors, destructors ---------------------------------------------------------

  /// Opens (creating if missing) the database at `path` and migrates its schema to the
  /// version this build knows. Throws store_error if it cannot.
  explicit sqlite_store(const std::string& path);

  ~sqlite_store() override;

  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  // -- store interface -------------------------------------------------------------------

  /// See store::create_run.
  void create_run(const run_record& run) override;

  /// See store::update_run_status.
  bool update_run_status(const std::string& run_id, run_status status,
                         const std::optional<std::string>& content,
                         const std::optional<std::string>& error, double updated_at) override;

  /// See store::append_events.
  void append_events(const std::vector<stored_event>& events) override;

  /// See store::find_run.
  std::optional<run_record> find_run(const std::string& run_id) override;

  /// See store::list_runs.
  std::vector<run_record> list_runs(const run_filter& filter) override;

  /// See store::load_events.
  std::vector<stored_event> load_events(const std::string& run_id, int64_t from,
                                        size_t limit) override;

  /// See store::count_events.
  int64_t count_events(const std::string& run_id) override;

  /// See store::list_sessions. Throws std::invalid_argument if sort_by is neither
  /// "created_at" nor "updated_at", or if limit or page is 0.
  session_page list_sessions(const session_filter& filter) override;

  /// See store::find_session.
  std::optional<session_record> find_session(const std::string& session_id) override;

  /// See store::delete_session.
  bool delete_session(const std::string& session_id) override;

  /// See store::unfinished_runs.
  std::vector<run_record> unfinished_runs(const std::string& owner_node) override;

private:
  // -- helpers (all require mutex_ held) -------------------------------------------------

  void configure();
  sqlite3_stmt* prepared(const std::string& sql, const char* operation);

  // -- member variables ------------------------------------------------------------------

  // One connection behind one mutex. SQLite admits a single writer per database anyway, so
  // a pool would only buy parallel reads; serializing keeps every call's statements,
  // transaction and sqlite3_errmsg on one thread at a time, which is simple and correct.
  std::mutex mutex_;

  // Declared before statements_ so it is destroyed after them: statements are finalized
  // before their connection closes.
  detail::sqlite_connection_ptr db_;

  // Prepared once per SQL text and reused (reset after each use); list_runs and
  // list_sessions add one entry per combination of filters (and, for sessions, sort key and
  // direction), so the cache stays small and bounded.
  std::unordered_map<std::string, detail::sqlite_statement_ptr> statements_;
};

} // namespace runcast::persistence
