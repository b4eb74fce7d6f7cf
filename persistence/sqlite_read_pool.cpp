#include "persistence/sqlite_read_pool.hpp"

#include "persistence/sqlite_connection.hpp"

#include <sqlite3.h>

namespace runcast::persistence::detail {

// -- constructors, destructors ---------------------------------------------------------------

sqlite_read_pool::sqlite_read_pool(sqlite_connection& writer, const std::string& path,
                                   size_t size)
  : writer_(writer) {
  if (!shareable(path))
    return;
  // READONLY: a reader can never take the write lock, so no read waits for it (in WAL mode
  // only the writer and checkpoints need it). NOMUTEX: each reader has its own mutex. The
  // writer has already created and migrated the schema, so the readers see it.
  const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  readers_.reserve(size);
  for (size_t i = 0; i < size; ++i)
    readers_.push_back(std::make_unique<sqlite_connection>(path, flags));
}

sqlite_read_pool::~sqlite_read_pool() = default;

// -- properties ------------------------------------------------------------------------------

bool sqlite_read_pool::shareable(const std::string& path) {
  if (path.empty() || path == ":memory:")
    return false;
  // SQLite is built with URI filenames on (Debian's USE_URI, or a future SQLITE_OPEN_URI),
  // so `file::memory:` and `file:x?mode=memory` are private in-memory databases. Should
  // URIs be off, such a name is an ordinary file and treating it as private only costs
  // read concurrency.
  if (path.rfind("file:", 0) == 0)
    return path.rfind("file::memory:", 0) != 0 && path.find("mode=memory") == std::string::npos;
  return true;
}

// -- leasing ---------------------------------------------------------------------------------

sqlite_read_pool::lease sqlite_read_pool::acquire() {
  if (readers_.empty())
    return {writer_, std::unique_lock<std::mutex>{writer_.mutex()}};
  const size_t n = readers_.size();
  const size_t start = next_.fetch_add(1, std::memory_order_relaxed) % n;
  // Take the first free reader from `start` on; only when all are busy, queue on one.
  for (size_t i = 0; i < n; ++i) {
    auto& reader = *readers_[(start + i) % n];
    std::unique_lock<std::mutex> lock{reader.mutex(), std::try_to_lock};
    if (lock.owns_lock())
      return {reader, std::move(lock)};
  }
  auto& reader = *readers_[start];
  return {reader, std::unique_lock<std::mutex>{reader.mutex()}};
}

} // namespace runcast::persistence::detail
