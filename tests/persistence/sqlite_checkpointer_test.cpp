// The SQLite store checkpoints its WAL on a thread of its own (the writer's automatic
// checkpoint is off): the database file must still receive what was committed, and under
// steady writes the WAL must still start over, instead of growing with every event written.

#include "persistence/store.hpp"

#include "tests/persistence/sample_rows.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>

using runcast::stored_event;
using runcast::persistence::open_store;
using runcast::test::minimal_run;
using runcast::test::temp_dir;

namespace {

constexpr int64_t events_per_round = 40'000;
constexpr size_t data_bytes = 300; // 40,000 × ~330 B ≈ 13 MB a round, ~3,200 WAL pages

/// Appends one round of events to `run_id`, from index `from`.
void write_round(runcast::persistence::store& s, const std::string& run_id, int64_t from) {
  std::vector<stored_event> batch;
  for (int64_t i = 0; i < events_per_round; ++i) {
    // Its first byte differs from the previous event's, so the store keeps every byte (a
    // block stores what an event shares with the one before it once).
    std::string data(data_bytes, 'x');
    data[0] = static_cast<char>('a' + (from + i) % 26);
    batch.push_back({run_id, from + i, "RunContent", std::move(data), 1.0});
    if (batch.size() == 1000) {
      s.append_events(batch);
      batch.clear();
    }
  }
}

/// Waits (up to 20 s: a loaded machine) until `path` holds at least `bytes`.
bool grows_to(const std::filesystem::path& path, uintmax_t bytes) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (std::filesystem::file_size(path) < bytes) {
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{20}); // polling a file, not timing
  }
  return true;
}

/// How many times the WAL at `path` has started over: the checkpoint sequence number of its
/// header (bytes 12-15, big-endian), which SQLite raises each time a write begins the WAL
/// again from its first frame (https://www.sqlite.org/fileformat.html#wal_file_format).
uint32_t wal_restarts(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  unsigned char header[16] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  REQUIRE(in.gcount() == sizeof header);
  return uint32_t{header[12]} << 24 | uint32_t{header[13]} << 16 | uint32_t{header[14]} << 8 |
         uint32_t{header[15]};
}

} // namespace

TEST_CASE("the SQLite store's checkpointer copies the WAL into the database and restarts it") {
  temp_dir dir;
  auto db = dir.path() / "runcast.db";
  auto wal = dir.path() / "runcast.db-wal";
  auto s = open_store("sqlite:" + db.string());
  s->create_run(minimal_run("r1"));
  auto empty = std::filesystem::file_size(db);
  const uintmax_t round_bytes = events_per_round * data_bytes;

  write_round(*s, "r1", 0);
  // The writer never checkpoints (wal_autocheckpoint = 0): only the checkpointer can have
  // moved the round into the database file.
  bool grew = grows_to(db, empty + round_bytes);
  INFO("database " << std::filesystem::file_size(db) << " B, WAL "
                   << std::filesystem::file_size(wal) << " B, a round " << round_bytes << " B");
  REQUIRE(grew);

  // Steady writes: passive passes trail the newest commits, so only the restart keeps the
  // WAL from holding every round. How far it grows before one depends on how long a pass
  // of the checkpointer's own thread takes (the writer's copy cannot run during it), so the
  // test counts restarts rather than bounding the file's size by a time-dependent figure.
  auto restarts_before = wal_restarts(wal);
  for (int round = 1; round < 5; ++round)
    write_round(*s, "r1", round * events_per_round);
  REQUIRE(grows_to(db, empty + 5 * round_bytes));
  auto restarts = wal_restarts(wal) - restarts_before;
  INFO("WAL " << std::filesystem::file_size(wal) << " B after " << restarts << " restarts");
  // Four rounds are ~52 MB of events, and the writer copies the WAL back past 16 MB
  // (4 x the 4 MB threshold): without a restart the WAL would hold all of them.
  CHECK(restarts >= 1);
  CHECK(s->next_event_index("r1") == 5 * events_per_round);
}
