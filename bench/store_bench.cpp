// store_bench: events per second persisted through store::append_events, per backend, batch
// size and number of runs the events belong to, one writer. The event log's group commit
// calls append_events with whatever accumulated (1 event when runs are slow, hundreds when
// they are fast, from many runs at once when many are live), so the cells bracket what a
// server sees.
//
//   store_bench [--cell RUNS,BATCH] [--events N] [POSTGRESQL_URL]
//
// SQLite writes a temp file. PostgreSQL uses the URL given, else $RUNCAST_TEST_PG_URL, else
// is skipped; the bench works in a scratch database it creates on that server and drops.
// --cell measures that one cell instead of the grid (bench/run-all's "store's write ceiling"
// row: one run, the server's flush batch); --events sets the events per cell.

#include "core/ids.hpp"
#include "persistence/store.hpp"

#include <pqxx/pqxx>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using runcast::stored_event;
using runcast::persistence::open_store;
using runcast::persistence::run_record;
using runcast::persistence::store;

struct options {
  int64_t events_per_cell = 100'000;
  std::vector<size_t> batch_sizes{1, 64, 1024};
  // One run, and as many live runs as bench/run-all's LLM-shaped scenario.
  std::vector<int> run_counts{1, 2000};
  std::string pg_url;
};
// Each cell stops early after this long, so the whole bench stays well under a minute.
constexpr std::chrono::seconds cell_time_cap{8};

/// ~260 bytes, shaped like the RunContent event data of bench/run-all's runs: the run's
/// fields first, then 40 bytes of content that differ from the previous event's from the
/// first byte (as model tokens do), then the index.
std::string payload(const std::string& run_id, int64_t index) {
  std::string content(40, 'a');
  auto x = static_cast<uint64_t>(index) * 0x9e3779b97f4a7c15ull + 1;
  for (auto& c : content) {
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    c = static_cast<char>('a' + (x >> 59) % 26);
  }
  return R"({"created_at":1796588020,"event":"RunContent","agent_id":"bench",)"
         R"("agent_name":"Bench Agent","run_id":")"
         + run_id + R"(","session_id":")" + run_id + R"(","content":")" + content
         + R"(","event_index":)" + std::to_string(index) + "}";
}

struct cell {
  int64_t events = 0;
  double seconds = 0;
};

cell measure(store& s, const std::string& name, size_t batch_size, int runs,
             int64_t events_per_cell) {
  // Events go to `runs` runs round-robin, as the event logs of that many live runs write
  // them in one group commit: event k is index k / runs of run k % runs.
  std::vector<std::string> ids;
  for (int r = 0; r < runs; ++r) {
    run_record run;
    // Shaped as the server's run ids (36-character UUIDs), which the store's keys hold.
    run.run_id = runcast::make_uuid();
    run.session_id = "bench";
    run.kind = "agents";
    run.component_id = "echo";
    run.owner_node = "bench";
    run.params_json = "{}";
    s.create_run(run);
    ids.push_back(run.run_id);
  }
  const auto start = std::chrono::steady_clock::now();
  int64_t next = 0;
  std::vector<stored_event> batch;
  while (next < events_per_cell
         && std::chrono::steady_clock::now() - start < cell_time_cap) {
    batch.clear();
    for (size_t i = 0; i < batch_size && next < events_per_cell; ++i, ++next) {
      const auto& id = ids[static_cast<size_t>(next % runs)];
      auto index = next / runs;
      batch.push_back({id, index, "RunContent", payload(id, index), 1700000000.0});
    }
    s.append_events(batch);
  }
  cell result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                     .count();
  // The indices written are dense from 0, so the last one landed iff the next index is
  // what was written (a hole would go unnoticed; counting every row would cost more).
  int64_t stored = 0;
  for (int r = 0; r < runs; ++r)
    stored += s.next_event_index(ids[static_cast<size_t>(r)]);
  if (stored != next)
    throw std::runtime_error(name + ": stored " + std::to_string(stored) + " events, wrote "
                             + std::to_string(next));
  result.events = next;
  return result;
}

void print_row(const char* backend, int runs, size_t batch_size, const cell& c) {
  std::printf("%-11s %5d %6zu %8lld %9.3f %11.0f %10.0f\n", backend, runs, batch_size,
              static_cast<long long>(c.events), c.seconds,
              static_cast<double>(c.events) / c.seconds,
              static_cast<double>(c.events) / static_cast<double>(batch_size) / c.seconds);
  std::fflush(stdout);
}

void bench(const char* backend, store& s, const options& o) {
  for (auto runs : o.run_counts)
    for (auto batch_size : o.batch_sizes)
      print_row(backend, runs, batch_size,
                measure(s,
                        std::string{backend} + "-" + std::to_string(runs) + "-"
                          + std::to_string(batch_size),
                        batch_size, runs, o.events_per_cell));
}

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "store_bench: " << why
            << "\nusage: store_bench [--cell RUNS,BATCH] [--events N] [POSTGRESQL_URL]\n";
  std::exit(2);
}

long long positive(const std::string& text, const char* what) {
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || v < 1 || v > 100'000'000)
    usage(std::string{what} + " must be a whole number from 1 to 100000000, not '" + text
          + "'");
  return v;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--cell") {
      auto v = value();
      auto comma = v.find(',');
      if (comma == std::string::npos)
        usage("--cell takes RUNS,BATCH, not '" + v + "'");
      o.run_counts = {static_cast<int>(positive(v.substr(0, comma), "RUNS"))};
      o.batch_sizes = {static_cast<size_t>(positive(v.substr(comma + 1), "BATCH"))};
    } else if (arg == "--events") {
      o.events_per_cell = positive(value(), "--events");
    } else if (!arg.empty() && arg[0] == '-') {
      usage("unknown option " + arg);
    } else {
      o.pg_url = arg;
    }
  }
  return o;
}

/// The admin URL with its database replaced by `database` (query parameters kept).
std::string with_database(const std::string& url, const std::string& database) {
  auto authority = url.find("://");
  auto slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  auto query = url.find('?');
  auto base_end = std::min(slash, query);
  return url.substr(0, base_end) + "/" + database
         + (query == std::string::npos ? "" : url.substr(query));
}

/// The URL without user info, for printing.
std::string without_password(const std::string& url) {
  auto authority = url.find("://");
  auto at = url.find('@');
  auto colon = url.find(':', authority == std::string::npos ? 0 : authority + 3);
  if (authority == std::string::npos || at == std::string::npos || colon > at)
    return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  std::cout << "command:";
  for (int i = 0; i < argc; ++i)
    std::cout << ' '
              << (argv[i] == o.pg_url ? without_password(argv[i]) : std::string{argv[i]});
  std::cout << '\n';

  auto& pg_url = o.pg_url;
  if (pg_url.empty())
    if (const char* env = std::getenv("RUNCAST_TEST_PG_URL"))
      pg_url = env;

  std::cout << "parameters: " << o.events_per_cell << " events per cell (capped at "
            << cell_time_cap.count() << " s), batch sizes";
  for (auto b : o.batch_sizes)
    std::cout << ' ' << b;
  std::cout << ", ~" << payload(std::string(36, '0'), 0).size()
            << "-byte data, one writer thread, append_events only, events spread over";
  for (auto r : o.run_counts)
    std::cout << ' ' << r;
  std::cout << " run(s)\n"
            << "sqlite: temp file, WAL, synchronous=NORMAL\n"
            << "postgresql: "
            << (pg_url.empty() ? "skipped (no URL argument, RUNCAST_TEST_PG_URL unset)"
                               : without_password(pg_url) + " (scratch database)")
            << "\n\n";
  std::printf("%-11s %5s %6s %8s %9s %11s %10s\n", "backend", "runs", "batch", "events",
              "seconds", "events/s", "batches/s");

  int status = 0;
  const auto dir = std::filesystem::temp_directory_path()
                   / ("runcast-store-bench-" + std::to_string(::getpid()));
  try {
    std::filesystem::create_directories(dir);
    auto s = open_store("sqlite:" + (dir / "bench.db").string());
    bench("sqlite", *s, o);
  } catch (const std::exception& e) {
    std::cerr << "sqlite: " << e.what() << '\n';
    status = 1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);

  if (!pg_url.empty()) {
    const auto database = "runcast_bench_" + std::to_string(std::random_device{}());
    bool created = false;
    try {
      {
        pqxx::connection admin{pg_url};
        pqxx::nontransaction tx{admin};
        tx.exec("CREATE DATABASE " + tx.quote_name(database));
        created = true;
      }
      auto s = open_store(with_database(pg_url, database));
      bench("postgresql", *s, o);
    } catch (const std::exception& e) {
      // Library messages never carry the password; pg_store's are redacted anyway.
      std::cerr << "postgresql: " << e.what() << '\n';
      status = 1;
    }
    if (created) {
      try {
        pqxx::connection admin{pg_url};
        pqxx::nontransaction tx{admin};
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(database) + " WITH (FORCE)");
      } catch (const std::exception& e) {
        std::cerr << "postgresql: could not drop " << database << ": " << e.what() << '\n';
      }
    }
  }
  return status;
}
