#include "persistence/sqlite_checkpointer.hpp"

#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>

namespace runcast::persistence::detail {

sqlite_checkpointer::sqlite_checkpointer(const std::string& path, int threshold_pages)
  : conn_(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX), threshold_(threshold_pages) {
  // A connection learns the journal mode when it first reads the database; until then a
  // checkpoint does nothing (and says so with -1 pages).
  std::string mode;
  sqlite3_exec(
    conn_.handle(), "PRAGMA journal_mode",
    [](void* out, int, char** values, char**) {
      *static_cast<std::string*>(out) = values[0] ? values[0] : "";
      return 0;
    },
    &mode, nullptr);
  if (mode != "wal")
    spdlog::warn("sqlite store: journal mode is '{}', not wal: no checkpoints needed", mode);
  thread_ = std::thread{[this] {
    name_this_thread("rc-checkpoint");
    run();
  }};
}

sqlite_checkpointer::~sqlite_checkpointer() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void sqlite_checkpointer::wal_written(int pages) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    wake = pages_ < threshold_ && pages >= threshold_;
    pages_ = pages;
  }
  if (wake)
    wake_.notify_one();
}

int sqlite_checkpointer::hook(void* self, sqlite3* writer, const char*, int pages) {
  auto* c = static_cast<sqlite_checkpointer*>(self);
  if (pages >= 4 * c->threshold_) {
    // Steady writes: passive passes beside the writer always trail the newest commits, and
    // the WAL starts over only when a write begins with all of it copied. So past four
    // thresholds the writer copies the (short) rest itself, as SQLite's own checkpoint
    // would have at every threshold, and the WAL stays bounded.
    int wal_pages = 0;
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(writer, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages,
                                       &copied);
    // Copied all: nothing is left for the thread. Else (the thread's own pass held the
    // lock, or commits came meanwhile) 1: below the threshold, so the thread does not
    // start at once and contend with the writer's next checkpoint, but above 0, so it
    // copies the rest within a second even if no write follows (with 0 the rest stayed in
    // the WAL until the next write).
    pages = rc == SQLITE_OK && copied >= wal_pages ? 0 : 1;
  }
  c->wal_written(pages);
  return SQLITE_OK;
}

void sqlite_checkpointer::run() {
  std::unique_lock<std::mutex> lock{mutex_};
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::seconds{1},
                   [this] { return stop_ || pages_ >= threshold_; });
    if (stop_ || pages_ == 0)
      continue;
    pages_ = 0; // what commits add from now on counts toward the next checkpoint
    lock.unlock();
    int wal_pages = 0;
    int copied = 0;
    int rc = SQLITE_OK;
    {
      std::lock_guard<std::mutex> use{conn_.mutex()};
      rc = sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                     &wal_pages, &copied);
    }
    // BUSY only means a reader or the writer held what this pass needed: the next one
    // copies it. Anything else is logged when it starts and when it ends, not every second.
    bool failed = rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED;
    if (failed && rc != failing_)
      spdlog::warn("sqlite store: checkpoint failed: {} (retried every second)",
                   sqlite3_errstr(rc));
    else if (!failed && failing_ != SQLITE_OK)
      spdlog::info("sqlite store: checkpoints work again");
    failing_ = failed ? rc : SQLITE_OK;
    lock.lock();
    // What a reader's snapshot kept back is copied by a later pass, within a second.
    if (rc != SQLITE_OK || copied < wal_pages)
      pages_ = std::max(pages_, 1);
  }
}

} // namespace runcast::persistence::detail
