#pragma once

#include "persistence/store.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace runcast::persistence {

namespace detail {

// Defined in persistence/pg_pool.hpp, an internal header: only persistence's own sources
// see libpqxx (a private dependency).
class pg_pool;

} // namespace detail

/// Tuning of a pg_store; the defaults suit a server. A `pool_size=N` in the URL overrides
/// pool_size.
struct pg_store_options {
  /// Connections opened at most (lazily, as concurrent calls need them), 1 to 100.
  size_t pool_size = 4;
  /// How long a call waits for a free connection before it fails with store_error.
  std::chrono::milliseconds acquire_timeout{10'000};
  /// After a failed connect, no new connect is tried for this long; the pause doubles with
  /// each further failure up to reconnect_max and resets once a connect succeeds.
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{2'000};
  /// Every call's bound once it has its connection (the URL's `statement_timeout=` wins):
  /// PostgreSQL ends a slower statement, and a server that does not answer at all has the
  /// call's connection cut (pg_watchdog), so no call hangs.
  std::chrono::milliseconds statement_timeout{10'000};
};

/// The server store: PostgreSQL through libpqxx 6.4, a pool of connections shared by all
/// threads, schema created and migrated by the program on open. Calls fail with store_error
/// while the server is unreachable and succeed again once it is back, without reopening.
class pg_store : public store {
public:
  // -- constructors, destructors ---------------------------------------------------------

  /// Connects to `url` (`postgresql://user@host:port/db[?params]`; `pool_size=N` is taken
  /// out, every other parameter goes to libpq, and `connect_timeout=5` is added unless
  /// given) and migrates the schema to the version this build knows. Throws store_error if
  /// it cannot; no message ever contains the URL's password.
  explicit pg_store(const std::string& url, pg_store_options options = {});

  /// Closes every connection. No call may be in progress.
  ~pg_store() override;

  pg_store(const pg_store&) = delete;
  pg_store& operator=(const pg_store&) = delete;

  // -- properties ------------------------------------------------------------------------

  /// The most connections this store opens at once.
  size_t pool_size() const noexcept;

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

  /// See store::visit_events: views into the query's result.
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
  // -- member variables ------------------------------------------------------------------

  std::unique_ptr<detail::pg_pool> pool_;
};

} // namespace runcast::persistence
