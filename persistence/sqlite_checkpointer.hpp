#pragma once

#include "persistence/sqlite_connection.hpp"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace runcast::persistence::detail {

/// Checkpoints a WAL-mode database on a thread and connection of its own, so that the writer
/// never does. SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold: that commit copies the WAL into the database and syncs it, and every start and
/// event behind it waits (tens to hundreds of ms on a VM's disk). A PASSIVE checkpoint here
/// runs beside the writer instead: it copies what no reader still needs and never blocks
/// writes. The writer turns its own off (`wal_autocheckpoint = 0`) and reports the WAL's
/// size after each commit (`wal_written`). Past four thresholds (steady writes: a passive
/// pass never catches up with the newest commits) the writer copies the rest itself, once,
/// so that the WAL starts over and stays bounded.
class sqlite_checkpointer {
public:
  /// Opens its own connection to `path`; checkpoints once the WAL holds `threshold_pages`
  /// pages, and at least every second while it holds any.
  sqlite_checkpointer(const std::string& path, int threshold_pages);
  ~sqlite_checkpointer();

  sqlite_checkpointer(const sqlite_checkpointer&) = delete;
  sqlite_checkpointer& operator=(const sqlite_checkpointer&) = delete;

  /// After a commit: the WAL now holds `pages` pages. Cheap; never blocks on a checkpoint.
  void wal_written(int pages);

  /// The writer's sqlite3_wal_hook, with this checkpointer as its argument.
  static int hook(void* self, sqlite3* db, const char* schema, int pages);

private:
  void run();

  sqlite_connection conn_;
  int threshold_;
  std::mutex mutex_;
  std::condition_variable wake_;
  int pages_ = 0;    ///< the WAL's size at the last commit
  bool stop_ = false;
  int failing_ = 0;  ///< the error of the last pass, 0 (SQLITE_OK) if it went well
  std::thread thread_;
};

} // namespace runcast::persistence::detail
