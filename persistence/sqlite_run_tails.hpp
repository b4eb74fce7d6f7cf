#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace runcast::persistence::detail {

class sqlite_connection;

/// What the SQLite writer knows of the runs it has written events for: each run's key (its
/// row in event_runs) and the index after its last stored event. With it, a run's next
/// events go into new blocks with no query first; without it, each run of a group commit
/// cost two index lookups (its key, then the blocks its batch might overlap) — half of the
/// writer's time in the LLM-shaped benchmark, where a commit holds a few events of each of
/// hundreds of runs (bench/RESULTS.md).
///
/// It holds only what was committed: a write stages what it learns, and `commit` or
/// `rollback` follow the transaction. It forgets everything when another connection has
/// written the database (`PRAGMA data_version`: another process on the same file, such as a
/// second node of a cluster on one SQLite file, may have deleted a session and with it run
/// keys), when a session is deleted here, and when a commit leaves it over its capacity.
/// Used with the writer's mutex held.
class sqlite_run_tails {
public:
  struct tail {
    int64_t key = 0;
    int64_t next_index = 0; ///< the index after the run's last stored event
  };

  explicit sqlite_run_tails(size_t capacity) : capacity_(capacity) {
  }

  /// Before a write transaction's first `find`: drops what a transaction that failed
  /// staged, and forgets everything if another connection has committed since the last
  /// call. Throws store_error if SQLite cannot say.
  void begin(sqlite_connection& writer);

  /// The run's tail as this transaction sees it, if known.
  std::optional<tail> find(std::string_view run_id) const;

  /// The run's tail after this transaction's write (known exactly).
  void stage(std::string_view run_id, tail t);

  /// The transaction committed: what it staged is known from now on.
  void commit();

  /// The transaction rolled back: what it staged is dropped.
  void rollback() {
    staged_.clear();
  }

  /// Forgets everything (a session was deleted).
  void clear() {
    known_.clear();
    staged_.clear();
  }

  size_t size() const {
    return known_.size();
  }

private:
  using map = std::unordered_map<std::string, tail>;
  size_t capacity_;
  map known_;
  map staged_;
  mutable std::string probe_; ///< find's and stage's key buffer
  std::optional<int64_t> data_version_;
};

} // namespace runcast::persistence::detail
