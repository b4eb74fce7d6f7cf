#pragma once

#include "persistence/sqlite_run_tails.hpp"
#include "persistence/store.hpp"
#include "persistence/write_group.hpp"

#include <cstddef>
#include <memory>
#include <string>

namespace runcast::persistence {

namespace detail {

class sqlite_checkpointer;
class sqlite_connection;
class sqlite_read_pool;
class sqlite_transaction;

} // namespace detail

/// The embedded store: one SQLite database file in WAL mode, schema created and migrated by
/// the program on open; one connection writes, a few read-only ones read.
class sqlite_store : public store {
public:
  // -- constructors, destructors ---------------------------------------------------------

  /// Opens (creating if missing) the database at `path`, migrates its schema to the version
  /// this build knows, then opens `read_connections` read-only connections for the reads
  /// (none for a database that only one connection can reach, such as ":memory:": reads
  /// then share the writer's). Throws store_error if it cannot.
  explicit sqlite_store(const std::string& path, size_t read_connections = 2);

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

  /// See store::write.
  std::vector<bool> write(const write_group& group) override;

  /// See store::find_run.
  std::optional<run_record> find_run(const std::string& run_id) override;

  /// See store::list_runs.
  std::vector<run_record> list_runs(const run_filter& filter) override;

  /// See store::load_events.
  std::vector<stored_event> load_events(const std::string& run_id, int64_t from,
                                        size_t limit) override;

  /// See store::visit_events: views into the blocks as SQLite returns them.
  void visit_events(const std::string& run_id, int64_t from, size_t limit,
                    const event_visitor& visit) override;

  /// See store::next_event_index.
  int64_t next_event_index(const std::string& run_id) override;

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
  /// Runs whose stored end the writer keeps (~100 B each): more than a node runs at once.
  static constexpr size_t run_tails_capacity = 16384;

  // -- writes, inside a transaction with the writer's mutex held ---------------------------

  /// Appends events in the open write transaction, with the runs' known tails.
  void append_rows(const std::vector<event_row>& rows);

  /// Commits `tx`, and what the tails learnt with it.
  void commit(detail::sqlite_transaction& tx);

  void insert_run(const run_record& run);
  bool change_status(const status_change& change);

  // -- member variables ------------------------------------------------------------------

  // SQLite admits one writer per database, so every write (and the schema migration) goes
  // through this one connection, serialized by its mutex. Declared before readers_ so it
  // closes last: the last connection to close checkpoints the WAL and removes it.
  std::unique_ptr<detail::sqlite_connection> writer_;

  // Where each run's stored events end, as the writer last committed them (its mutex).
  detail::sqlite_run_tails tails_{run_tails_capacity};

  // Reads go to their own connections, each behind its own mutex: in WAL mode they see the
  // last commit without waiting for a write in progress, so a resume's load_events does not
  // queue behind the event log's append_events batches.
  std::unique_ptr<detail::sqlite_read_pool> readers_;

  // Checkpoints the WAL beside the writer (none for a private in-memory database).
  std::unique_ptr<detail::sqlite_checkpointer> checkpointer_;
};

} // namespace runcast::persistence
