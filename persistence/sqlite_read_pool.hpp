#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace runcast::persistence::detail {

class sqlite_connection;

/// The read-only connections of an sqlite_store, so reads do not queue behind the writer:
/// in WAL mode each reader sees the last commit while the writer works on the next one.
class sqlite_read_pool {
public:
  // -- member types ----------------------------------------------------------------------

  /// A connection held for one read; released when the lease goes.
  struct lease {
    sqlite_connection& connection;
    std::unique_lock<std::mutex> lock;
  };

  // -- constructors, destructors ---------------------------------------------------------

  /// Opens `size` read-only connections to `path`, whose schema `writer` has created.
  /// With `size` 0, or a database only one connection can reach (see shareable()), reads
  /// use `writer`. Throws store_error if a connection cannot be opened.
  sqlite_read_pool(sqlite_connection& writer, const std::string& path, size_t size);

  ~sqlite_read_pool();

  sqlite_read_pool(const sqlite_read_pool&) = delete;
  sqlite_read_pool& operator=(const sqlite_read_pool&) = delete;

  // -- properties ------------------------------------------------------------------------

  /// False for a database private to the connection that opens it: "" (a temporary file),
  /// ":memory:", and `file:` URIs naming an in-memory database.
  static bool shareable(const std::string& path);

  /// Number of read-only connections (0 if reads use the writer).
  size_t size() const {
    return readers_.size();
  }

  // -- leasing ---------------------------------------------------------------------------

  /// A free reader, else waits for one; the writer if there are no readers.
  lease acquire();

private:
  // -- member variables ------------------------------------------------------------------

  sqlite_connection& writer_;
  std::vector<std::unique_ptr<sqlite_connection>> readers_;

  // Where the next acquire starts looking, so concurrent reads spread over the readers
  // instead of all trying (and waiting on) the first one.
  std::atomic<size_t> next_{0};
};

} // namespace runcast::persistence::detail
