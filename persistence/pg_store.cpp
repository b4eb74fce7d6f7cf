#include "persistence/pg_store.hpp"

#include <pqxx/pqxx>

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <iterator>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace runcast::persistence {

namespace {

using clock_type = std::chrono::steady_clock;

// -- schema ----------------------------------------------------------------------------------

/// One step of the schema; applied in order, each exactly once per database.
struct migration {
  int version;
  const char* sql;
};

// The same tables, columns and versions as sqlite_store's, so both backends mean the same by
// "schema version N". Append new versions at the end; never edit one that has shipped.
// Ids are COLLATE "C": list_runs and list_sessions break ties by id, and byte order is what
// SQLite uses; the database's own collation (often en_US) would order them differently.
constexpr migration migrations[] = {
  {1, R"sql(
CREATE TABLE sessions (
  session_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  created_at   DOUBLE PRECISION NOT NULL,
  updated_at   DOUBLE PRECISION NOT NULL
);
CREATE TABLE runs (
  run_id       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  session_id   TEXT COLLATE "C" NOT NULL,
  user_id      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL,
  component_id TEXT NOT NULL,
  owner_node   TEXT NOT NULL,
  input        TEXT NOT NULL,
  params_json  TEXT NOT NULL DEFAULT '{}',
  status       TEXT NOT NULL,
  content      TEXT,
  error        TEXT,
  created_at   DOUBLE PRECISION NOT NULL,
  updated_at   DOUBLE PRECISION NOT NULL
);
CREATE INDEX runs_by_session ON runs (session_id, created_at);
CREATE INDEX runs_by_owner_status ON runs (owner_node, status);
CREATE INDEX runs_by_created ON runs (created_at, run_id);
CREATE TABLE run_events (
  run_id      TEXT COLLATE "C" NOT NULL,
  event_index BIGINT NOT NULL,
  event_type  TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (run_id, event_index)
);
)sql"},
  // Session listing: each sort key with session_id (its tie-break), and the two selective
  // filters; as in sqlite_store.
  {2, R"sql(
CREATE INDEX sessions_by_created ON sessions (created_at, session_id);
CREATE INDEX sessions_by_updated ON sessions (updated_at, session_id);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_component ON sessions (component_id);
)sql"},
};

constexpr int latest_version = migrations[std::size(migrations) - 1].version;

// Key of the transaction-scoped advisory lock that serializes migrations ("runcast" in
// ASCII). Advisory locks are per database, so stores on other databases never wait on it.
constexpr int64_t migration_lock_key = 0x72756e63617374;

// Column order read by read_run().
constexpr std::string_view run_columns =
  "run_id, session_id, user_id, kind, component_id, owner_node, input, params_json, status, "
  "content, error, created_at, updated_at";

// Column order read by read_session(); run_count is counted, not stored (runs_by_session
// makes the count an index range scan).
constexpr std::string_view session_columns =
  "s.session_id, s.user_id, s.kind, s.component_id, s.created_at, s.updated_at,"
  " (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.session_id)";

// A batch goes to the server as five arrays unnested into rows: one prepared statement
// serves every batch size, and a batch is one round trip. Measured against multi-row VALUES
// (500 rows a statement) and COPY into a temp table: as fast or faster at every batch size
// (see bench/store_bench.cpp and the commit that added this store).
constexpr const char* insert_events_sql =
  "INSERT INTO run_events (run_id, event_index, event_type, data, created_at)"
  " SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::float8[])"
  " ON CONFLICT (run_id, event_index) DO NOTHING";

// Bounds one statement's parameters (and the server's memory for them); a larger batch is
// several statements in one transaction.
constexpr size_t events_per_statement = 1000;

// -- URL -------------------------------------------------------------------------------------

constexpr size_t max_pool_size = 100;

/// What the store takes from its URL.
struct connection_settings {
  std::string conninfo;              ///< the URL as libpq gets it
  size_t pool_size = 0;
  std::vector<std::string> secrets;  ///< password spellings to keep out of messages
};

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size()
        && std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr
             == text.data() + i + 3) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void add_secret(std::vector<std::string>& secrets, std::string_view secret) {
  if (secret.empty())
    return;
  secrets.emplace_back(secret);
  auto decoded = percent_decoded(secret);
  if (decoded != secret)
    secrets.push_back(std::move(decoded));
}

/// Splits `pool_size` off the URL's query, adds a connect timeout unless one is given, and
/// notes the password (user info or `password=` parameter) so messages can hide it.
connection_settings parse_url(const std::string& url, size_t default_pool_size) {
  connection_settings settings;
  settings.pool_size = default_pool_size;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos)
    throw store_error("pg store: open: expected a postgresql://user@host:port/db URL");
  const auto query_start = url.find('?');
  std::string base = url.substr(0, query_start);
  // Schemes are case-insensitive (open_store routes `PostgreSQL://` here); libpq only
  // recognizes the lower-case spellings.
  for (size_t i = 0; i < scheme_end; ++i)
    base[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(base[i])));

  const auto authority_start = scheme_end + 3;
  const auto authority_end = std::min(base.find('/', authority_start), base.size());
  const auto at = base.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority_start) {
    std::string_view user_info{base.data() + authority_start, at - authority_start};
    if (auto colon = user_info.find(':'); colon != std::string_view::npos)
      add_secret(settings.secrets, user_info.substr(colon + 1));
  }

  std::vector<std::string> kept;
  bool has_connect_timeout = false;
  if (query_start != std::string::npos) {
    std::string_view query{url};
    query.remove_prefix(query_start + 1);
    while (!query.empty()) {
      auto amp = query.find('&');
      auto param = query.substr(0, amp);
      query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
      if (param.empty())
        continue;
      auto eq = param.find('=');
      auto key = param.substr(0, eq);
      auto value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
      if (key == "pool_size") {
        size_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || end != value.data() + value.size() || n < 1
            || n > max_pool_size)
          throw store_error("pg store: open: pool_size must be a whole number from 1 to "
                            + std::to_string(max_pool_size));
        settings.pool_size = n;
        continue;
      }
      if (key == "connect_timeout")
        has_connect_timeout = true;
      if (key == "password")
        add_secret(settings.secrets, value);
      kept.emplace_back(param);
    }
  }
  // libpq waits for a connect as long as the kernel does (minutes) unless told otherwise;
  // a store call must fail in bounded time.
  if (!has_connect_timeout)
    kept.emplace_back("connect_timeout=5");

  settings.conninfo = std::move(base);
  const char* glue = "?";
  for (const auto& param : kept) {
    settings.conninfo += glue;
    settings.conninfo += param;
    glue = "&";
  }
  if (settings.pool_size < 1 || settings.pool_size > max_pool_size)
    throw store_error("pg store: open: pool_size must be from 1 to "
                      + std::to_string(max_pool_size));
  return settings;
}

// -- values ----------------------------------------------------------------------------------

/// Shortest text that parses back to exactly `value` (PostgreSQL's float8 input is exact).
std::string real_text(double value) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string text_of(const pqxx::field& f) {
  return std::string(f.c_str(), f.size());
}

std::optional<std::string> optional_text_of(const pqxx::field& f) {
  if (f.is_null())
    return std::nullopt;
  return text_of(f);
}

/// Parses a number column without locale or stream state; PostgreSQL prints float8 in the
/// shortest exact form, so a double survives the round trip bit for bit.
template <class T>
T number_of(const pqxx::field& f) {
  T value{};
  const char* begin = f.c_str();
  const char* end = begin + f.size();
  auto result = std::from_chars(begin, end, value);
  if (result.ec != std::errc{} || result.ptr != end)
    throw std::runtime_error("unexpected number '" + text_of(f) + "' in column "
                             + std::to_string(f.num()));
  return value;
}

/// A nullable text parameter: libpqxx sends a null pointer as SQL NULL.
const char* nullable(const std::optional<std::string>& text) {
  return text ? text->c_str() : nullptr;
}

std::string status_text(run_status status) {
  return std::string{to_string(status)};
}

int64_t clamp_to_int64(size_t n) {
  return static_cast<int64_t>(
    std::min<uint64_t>(n, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

/// Appends `text` to an array literal as a quoted element.
void append_element(std::string& array, std::string_view text) {
  array += array.size() == 1 ? "\"" : ",\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      array += '\\';
    array += c;
  }
  array += '"';
}

run_record read_run(const pqxx::row& row) {
  run_record run;
  run.run_id = text_of(row[0]);
  run.session_id = text_of(row[1]);
  run.user_id = text_of(row[2]);
  run.kind = text_of(row[3]);
  run.component_id = text_of(row[4]);
  run.owner_node = text_of(row[5]);
  run.input = text_of(row[6]);
  run.params_json = text_of(row[7]);
  auto status_name = text_of(row[8]);
  auto status = parse_run_status(status_name);
  if (!status)
    throw std::runtime_error("run '" + run.run_id + "' has unknown status '" + status_name
                             + "'");
  run.status = *status;
  run.content = optional_text_of(row[9]);
  run.error = optional_text_of(row[10]);
  run.created_at = number_of<double>(row[11]);
  run.updated_at = number_of<double>(row[12]);
  return run;
}

std::vector<run_record> read_runs(const pqxx::result& rows) {
  std::vector<run_record> runs;
  runs.reserve(rows.size());
  for (const auto& row : rows)
    runs.push_back(read_run(row));
  return runs;
}

session_record read_session(const pqxx::row& row) {
  session_record session;
  session.session_id = text_of(row[0]);
  session.user_id = text_of(row[1]);
  session.kind = text_of(row[2]);
  session.component_id = text_of(row[3]);
  session.created_at = number_of<double>(row[4]);
  session.updated_at = number_of<double>(row[5]);
  session.run_count = number_of<int64_t>(row[6]);
  return session;
}

/// Message text on one line, without libpq's trailing newline.
std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space && c != ' ')
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// One server connection and what it has prepared. Used by one thread at a time (the pool
/// hands it out exclusively).
struct pooled_connection {
  explicit pooled_connection(const std::string& conninfo) : conn(conninfo), quiet(conn) {
  }

  /// The name under which `sql` is prepared on this connection, registering it on first
  /// use (libpqxx sends the PREPARE with the first execution).
  const std::string& prepared(const std::string& sql) {
    auto i = statements.find(sql);
    if (i == statements.end()) {
      auto name = "runcast_" + std::to_string(statements.size());
      conn.prepare(name, sql);
      i = statements.emplace(sql, std::move(name)).first;
    }
    return i->second;
  }

  pqxx::connection conn;
  // Server notices ("relation … already exists, skipping", the goodbye of a server shutting
  // down) would go to stderr; every failure that matters reaches us as an exception.
  pqxx::quiet_errorhandler quiet;
  // SQL text → statement name; list_runs and list_sessions add one per filter combination
  // (and sort), so this stays small and bounded.
  std::unordered_map<std::string, std::string> statements;
};

/// True if, after `e`, the connection must not be used again.
bool connection_lost(const std::exception& e, pooled_connection& c) {
  if (!c.conn.is_open())
    return true;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr
      || dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr)
    return true;
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    // Class 08: connection exception; 57P: the server is shutting down or restarting.
    const auto& state = sql->sqlstate();
    return state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0;
  }
  return false;
}

/// False if an idle connection was closed by the server while it sat in the pool.
bool still_connected(pooled_connection& c) noexcept {
  if (!c.conn.is_open())
    return false;
  pollfd pfd{};
  pfd.fd = c.conn.sock();
  pfd.events = POLLIN;
  if (pfd.fd < 0)
    return false;
  // An idle connection is sent nothing (we LISTEN to nothing, and every reply was read by
  // the call that asked for it), so a readable socket means the server spoke unasked: a
  // FATAL goodbye (shutdown, restart, terminated backend, idle timeout), then EOF. The EOF
  // may still be on its way, so the goodbye alone decides. Checking costs no round trip;
  // without it every pooled connection would fail one call after a server restart.
  return ::poll(&pfd, 1, 0) == 0;
}

} // namespace

// -- connection pool -------------------------------------------------------------------------

/// Hands connections to one caller at a time, opens them lazily up to the pool size, drops
/// broken ones, and paces reconnects while the server is unreachable.
class pg_store::connection_pool {
public:
  connection_pool(connection_settings settings, pg_store_options options)
    : settings_(std::move(settings)),
      options_(options),
      reconnect_delay_(options.reconnect_min) {
  }

  size_t size() const noexcept {
    return settings_.pool_size;
  }

  /// "pg store: <operation>: <message>", on one line and with any password masked.
  std::string describe(std::string_view operation, std::string_view message) const {
    auto text = one_line(message);
    for (const auto& secret : settings_.secrets) {
      for (auto at = text.find(secret); at != std::string::npos;
           at = text.find(secret, at + 3))
        text.replace(at, secret.size(), "***");
    }
    return "pg store: " + std::string{operation} + ": " + text;
  }

  /// Runs `body` with a connection of its own; every exception leaves as store_error.
  template <class F>
  auto run(std::string_view operation, F&& body) -> decltype(body(
    std::declval<pooled_connection&>())) {
    lease held{*this, acquire(operation)};
    try {
      return body(held.connection());
    } catch (const store_error&) {
      throw; // ours, already described
    } catch (const std::exception& e) {
      // The caller retries (the event log does, with backoff); a dead connection is
      // replaced on a later call, paced by the reconnect backoff.
      if (connection_lost(e, held.connection()))
        held.discard();
      throw store_error(describe(operation, e.what()));
    }
  }

private:
  // -- member types ----------------------------------------------------------------------

  /// One checked-out connection; goes back to the pool (or away, if broken) on every exit.
  class lease {
  public:
    lease(connection_pool& pool, std::unique_ptr<pooled_connection> c)
      : pool_(pool), c_(std::move(c)) {
    }
    ~lease() {
      pool_.release(std::move(c_), keep_ && c_->conn.is_open());
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;

    pooled_connection& connection() {
      return *c_;
    }
    void discard() {
      keep_ = false;
    }

  private:
    connection_pool& pool_;
    std::unique_ptr<pooled_connection> c_;
    bool keep_ = true;
  };

  // -- checkout --------------------------------------------------------------------------

  std::unique_ptr<pooled_connection> acquire(std::string_view operation) {
    // Declared before the lock, so dead connections are closed after it is released.
    std::vector<std::unique_ptr<pooled_connection>> dead;
    std::unique_lock<std::mutex> lock{mutex_};
    const auto deadline = clock_type::now() + options_.acquire_timeout;
    for (;;) {
      while (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        if (still_connected(*c))
          return c;
        --open_;
        dead.push_back(std::move(c));
      }
      if (open_ < settings_.pool_size)
        return connect(lock, operation);
      // Every connection is busy: wait for one to come back (or to be dropped, which frees
      // a slot for a new one).
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty()
          && open_ >= settings_.pool_size)
        throw store_error(describe(
          operation, "no free connection within "
                       + std::to_string(options_.acquire_timeout.count()) + " ms (pool_size "
                       + std::to_string(settings_.pool_size) + ")"));
    }
  }

  /// Opens a connection in a free slot; called with `lock` held, returns with it held.
  std::unique_ptr<pooled_connection> connect(std::unique_lock<std::mutex>& lock,
                                             std::string_view operation) {
    // While the server is unreachable, one caller at a time probes it, and not more often
    // than the backoff allows; the others fail at once instead of piling onto a dead server
    // (their callers retry anyway).
    if (unreachable_) {
      if (probing_ || clock_type::now() < next_connect_)
        throw store_error(describe(operation, "server unreachable, reconnecting (last error: "
                                                + last_error_ + ")"));
      probing_ = true;
    }
    ++open_;
    lock.unlock();
    // Connecting blocks (up to connect_timeout), so it happens outside the lock.
    std::unique_ptr<pooled_connection> c;
    std::string failure;
    try {
      c = std::make_unique<pooled_connection>(settings_.conninfo);
    } catch (const std::exception& e) {
      failure = one_line(e.what());
    }
    lock.lock();
    probing_ = false;
    if (c) {
      unreachable_ = false;
      reconnect_delay_ = options_.reconnect_min;
      return c;
    }
    --open_;
    unreachable_ = true;
    next_connect_ = clock_type::now() + reconnect_delay_;
    reconnect_delay_ = std::min(reconnect_delay_ * 2, options_.reconnect_max);
    last_error_ = failure;
    // Callers waiting for a slot should fail now too, not at their deadline.
    cv_.notify_all();
    throw store_error(describe(operation, "connect: " + failure));
  }

  void release(std::unique_ptr<pooled_connection> c, bool reusable) {
    {
      std::lock_guard<std::mutex> lock{mutex_};
      if (reusable) {
        idle_.push_back(std::move(c));
      } else {
        --open_;
      }
    }
    cv_.notify_one();
    // A dropped connection is closed here, outside the lock.
  }

  // -- member variables ------------------------------------------------------------------

  const connection_settings settings_;
  const pg_store_options options_;

  std::mutex mutex_;
  std::condition_variable cv_;
  // Most recently returned last: reusing the warmest connection lets the others stay idle.
  std::vector<std::unique_ptr<pooled_connection>> idle_;
  // Connections idle, checked out or being opened; never more than the pool size.
  size_t open_ = 0;
  // Set by a failed connect, cleared by a successful one.
  bool unreachable_ = false;
  bool probing_ = false;
  clock_type::time_point next_connect_{};
  std::chrono::milliseconds reconnect_delay_;
  std::string last_error_;
};

// -- constructors, destructors ---------------------------------------------------------------

namespace {

/// Brings the schema to latest_version. Throws (and rolls back) if it cannot.
void migrate(pooled_connection& c) {
  pqxx::work tx{c.conn};
  // Two processes opening a fresh database together would both find no schema and both
  // create it; the lock makes the second wait and then find it done. It is released when
  // this transaction ends, whichever way.
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", migration_lock_key);
  tx.exec("CREATE TABLE IF NOT EXISTS schema_version ("
          " version INTEGER NOT NULL PRIMARY KEY,"
          " applied_at DOUBLE PRECISION NOT NULL)");
  const auto current =
    number_of<int64_t>(tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0]);
  if (current > latest_version)
    throw std::runtime_error("database schema version " + std::to_string(current)
                             + " is newer than this build supports ("
                             + std::to_string(latest_version) + "); upgrade runcast");
  for (const auto& m : migrations) {
    if (m.version <= current)
      continue;
    try {
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_version (version, applied_at)"
                     " VALUES ($1, EXTRACT(EPOCH FROM clock_timestamp()))",
                     m.version);
    } catch (const pqxx::sql_error& e) {
      throw std::runtime_error("to version " + std::to_string(m.version) + ": " + e.what());
    }
  }
  tx.commit();
}

} // namespace

pg_store::pg_store(const std::string& url, pg_store_options options) {
  auto settings = parse_url(url, options.pool_size);
  if (options.reconnect_min.count() < 1)
    options.reconnect_min = std::chrono::milliseconds{1};
  options.reconnect_max = std::max(options.reconnect_max, options.reconnect_min);
  pool_ = std::make_unique<connection_pool>(std::move(settings), options);
  // The first connection is opened here, so a wrong URL fails now, not on the first call;
  // it stays in the pool.
  pool_->run("migrate schema", [](pooled_connection& c) { migrate(c); });
}

pg_store::~pg_store() = default;

size_t pg_store::pool_size() const noexcept {
  return pool_->size();
}

// -- store interface -------------------------------------------------------------------------

void pg_store::create_run(const run_record& run) {
  // One statement, so it is atomic without BEGIN/COMMIT round trips: the session upsert
  // (new session, or updated_at moved; who created it stays) is undone if the run id exists.
  static const std::string sql =
    "WITH session AS ("
    " INSERT INTO sessions (session_id, user_id, kind, component_id, created_at, updated_at)"
    " VALUES ($2, $3, $4, $5, $12, $12)"
    " ON CONFLICT (session_id) DO UPDATE SET updated_at = excluded.updated_at)"
    " INSERT INTO runs ("
    + std::string{run_columns}
    + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
  pool_->run("create_run", [&](pooled_connection& c) {
    pqxx::nontransaction tx{c.conn};
    try {
      tx.exec_prepared(c.prepared(sql), run.run_id, run.session_id, run.user_id, run.kind,
                       run.component_id, run.owner_node, run.input, run.params_json,
                       status_text(run.status), nullable(run.content), nullable(run.error),
                       real_text(run.created_at), real_text(run.updated_at));
    } catch (const pqxx::unique_violation&) {
      // runs_pkey is the only unique constraint the statement can violate.
      throw store_error("pg store: create_run: run '" + run.run_id + "' exists already");
    }
  });
}

bool pg_store::update_run_status(const std::string& run_id, run_status status,
                                 const std::optional<std::string>& content,
                                 const std::optional<std::string>& error, double updated_at) {
  // COALESCE keeps an earlier content/error when this update does not carry one.
  static const std::string sql =
    "UPDATE runs SET status = $2, content = COALESCE($3, content),"
    " error = COALESCE($4, error), updated_at = $5 WHERE run_id = $1";
  return pool_->run("update_run_status", [&](pooled_connection& c) {
    pqxx::nontransaction tx{c.conn};
    auto result = tx.exec_prepared(c.prepared(sql), run_id, status_text(status),
                                   nullable(content), nullable(error), real_text(updated_at));
    return result.affected_rows() > 0;
  });
}

void pg_store::append_events(const std::vector<stored_event>& events) {
  if (events.empty())
    return;
  // Runs one statement for events [first, last): five array literals, one element per event.
  auto insert = [](pqxx::transaction_base& tx, const std::string& statement,
                   std::vector<stored_event>::const_iterator first,
                   std::vector<stored_event>::const_iterator last) {
    std::string run_ids = "{", indices = "{", types = "{", data = "{", created = "{";
    const char* glue = "";
    for (auto i = first; i != last; ++i) {
      append_element(run_ids, i->run_id);
      indices += glue;
      indices += std::to_string(i->index);
      append_element(types, i->type);
      append_element(data, i->data);
      created += glue;
      created += real_text(i->created_at);
      glue = ",";
    }
    for (auto* array : {&run_ids, &indices, &types, &data, &created})
      *array += '}';
    tx.exec_prepared(statement, run_ids, indices, types, data, created);
  };
  pool_->run("append_events", [&](pooled_connection& c) {
    const auto& statement = c.prepared(insert_events_sql);
    if (events.size() <= events_per_statement) {
      // A single statement is atomic by itself; skipping BEGIN/COMMIT saves two round
      // trips, which is most of the cost of a small batch.
      pqxx::nontransaction tx{c.conn};
      insert(tx, statement, events.begin(), events.end());
      return;
    }
    // One transaction for the batch: a retry after a failure finds none or all of it, and
    // ON CONFLICT makes both cases (and a retry after an unknown commit outcome) safe.
    pqxx::work tx{c.conn};
    for (auto first = events.begin(); first != events.end();) {
      auto left = static_cast<size_t>(events.end() - first);
      auto last = first + static_cast<std::ptrdiff_t>(std::min(left, events_per_statement));
      insert(tx, statement, first, last);
      first = last;
    }
    tx.commit();
  });
}

std::optional<run_record> pg_store::find_run(const std::string& run_id) {
  static const std::string sql =
    "SELECT " + std::string{run_columns} + " FROM runs WHERE run_id = $1";
  return pool_->run("find_run", [&](pooled_connection& c) -> std::optional<run_record> {
    pqxx::nontransaction tx{c.conn};
    auto rows = tx.exec_prepared(c.prepared(sql), run_id);
    if (rows.empty())
      return std::nullopt;
    return read_run(rows[0]);
  });
}

std::vector<run_record> pg_store::list_runs(const run_filter& filter) {
  // Parameters are numbered in the order the filters appear, so the SQL text depends only
  // on which filters are set: at most 16 prepared variants per connection. Conditions are
  // spelled out (not `$1 IS NULL OR …`) so the planner can use the session index.
  std::string sql = "SELECT " + std::string{run_columns} + " FROM runs";
  std::vector<std::string> values;
  const char* glue = " WHERE ";
  auto add = [&](const char* column, std::string value) {
    values.push_back(std::move(value));
    sql += glue;
    sql += column;
    sql += " = $" + std::to_string(values.size());
    glue = " AND ";
  };
  if (filter.session_id)
    add("session_id", *filter.session_id);
  if (filter.kind)
    add("kind", *filter.kind);
  if (filter.component_id)
    add("component_id", *filter.component_id);
  if (filter.status)
    add("status", status_text(*filter.status));
  // Newest first; run_id breaks ties so pages never overlap or skip.
  sql += " ORDER BY created_at DESC, run_id DESC LIMIT $" + std::to_string(values.size() + 1)
         + " OFFSET $" + std::to_string(values.size() + 2);
  values.push_back(std::to_string(clamp_to_int64(filter.limit)));
  values.push_back(std::to_string(clamp_to_int64(filter.offset)));
  return pool_->run("list_runs", [&](pooled_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return read_runs(
      tx.exec_prepared(c.prepared(sql), pqxx::prepare::make_dynamic_params(values)));
  });
}

std::vector<stored_event> pg_store::load_events(const std::string& run_id, int64_t from,
                                                size_t limit) {
  static const std::string sql = "SELECT event_index, event_type, data, created_at"
                                 " FROM run_events WHERE run_id = $1 AND event_index >= $2"
                                 " ORDER BY event_index LIMIT $3";
  return pool_->run("load_events", [&](pooled_connection& c) {
    pqxx::nontransaction tx{c.conn};
    auto rows = tx.exec_prepared(c.prepared(sql), run_id, from, clamp_to_int64(limit));
    std::vector<stored_event> events;
    events.reserve(rows.size());
    for (const auto& row : rows) {
      stored_event event;
      event.run_id = run_id;
      event.index = number_of<int64_t>(row[0]);
      event.type = text_of(row[1]);
      event.data = text_of(row[2]);
      event.created_at = number_of<double>(row[3]);
      events.push_back(std::move(event));
    }
    return events;
  });
}

int64_t pg_store::count_events(const std::string& run_id) {
  static const std::string sql = "SELECT COUNT(*) FROM run_events WHERE run_id = $1";
  return pool_->run("count_events", [&](pooled_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return number_of<int64_t>(tx.exec_prepared(c.prepared(sql), run_id)[0][0]);
  });
}

session_page pg_store::list_sessions(const session_filter& filter) {
  // The ORDER BY column comes from this fixed choice, never from the caller's text.
  const char* column = nullptr;
  if (filter.sort_by == "created_at")
    column = "created_at";
  else if (filter.sort_by == "updated_at")
    column = "updated_at";
  else
    throw std::invalid_argument("list_sessions: sort_by must be created_at or updated_at");
  if (filter.limit == 0 || filter.page == 0)
    throw std::invalid_argument("list_sessions: limit and page must be at least 1");
  const char* direction = filter.descending ? " DESC" : " ASC";

  std::vector<std::string> values;
  std::string where;
  const char* glue = " WHERE ";
  auto add = [&](const char* column_name, const std::string& value) {
    values.push_back(value);
    where += glue;
    where += column_name;
    where += " = $" + std::to_string(values.size());
    glue = " AND ";
  };
  if (filter.kind)
    add("s.kind", *filter.kind);
  if (filter.component_id)
    add("s.component_id", *filter.component_id);
  if (filter.user_id)
    add("s.user_id", *filter.user_id);
  const std::string count_sql = "SELECT COUNT(*) FROM sessions s" + where;
  // session_id breaks ties in the same direction, so pages never overlap or skip.
  const std::string page_sql = "SELECT " + std::string{session_columns} + " FROM sessions s"
                               + where + " ORDER BY s." + column + direction
                               + ", s.session_id" + direction + " LIMIT $"
                               + std::to_string(values.size() + 1) + " OFFSET $"
                               + std::to_string(values.size() + 2);
  const uint64_t skipped_pages = filter.page - 1;
  const auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const auto offset = skipped_pages > max / filter.limit
                        ? std::numeric_limits<int64_t>::max()
                        : clamp_to_int64(skipped_pages * filter.limit);
  auto page_values = values;
  page_values.push_back(std::to_string(clamp_to_int64(filter.limit)));
  page_values.push_back(std::to_string(offset));

  return pool_->run("list_sessions", [&](pooled_connection& c) {
    // One snapshot for both queries, so total_count agrees with the page while others
    // write.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx{c.conn};
    session_page result;
    result.total_count = number_of<int64_t>(
      tx.exec_prepared(c.prepared(count_sql), pqxx::prepare::make_dynamic_params(values))[0][0]);
    auto rows =
      tx.exec_prepared(c.prepared(page_sql), pqxx::prepare::make_dynamic_params(page_values));
    result.sessions.reserve(rows.size());
    for (const auto& row : rows)
      result.sessions.push_back(read_session(row));
    tx.commit();
    return result;
  });
}

std::optional<session_record> pg_store::find_session(const std::string& session_id) {
  static const std::string sql =
    "SELECT " + std::string{session_columns} + " FROM sessions s WHERE s.session_id = $1";
  return pool_->run("find_session", [&](pooled_connection& c) -> std::optional<session_record> {
    pqxx::nontransaction tx{c.conn};
    auto rows = tx.exec_prepared(c.prepared(sql), session_id);
    if (rows.empty())
      return std::nullopt;
    return read_session(rows[0]);
  });
}

bool pg_store::delete_session(const std::string& session_id) {
  static const std::string delete_events =
    "DELETE FROM run_events WHERE run_id IN (SELECT run_id FROM runs WHERE session_id = $1)";
  static const std::string delete_runs = "DELETE FROM runs WHERE session_id = $1";
  static const std::string delete_session = "DELETE FROM sessions WHERE session_id = $1";
  return pool_->run("delete_session", [&](pooled_connection& c) {
    // All or nothing: a half-deleted session would leave runs without a session or events
    // without a run. Events go first because they are found through the runs.
    pqxx::work tx{c.conn};
    tx.exec_prepared(c.prepared(delete_events), session_id);
    tx.exec_prepared(c.prepared(delete_runs), session_id);
    const bool existed = tx.exec_prepared(c.prepared(delete_session), session_id)
                           .affected_rows()
                         > 0;
    tx.commit();
    return existed;
  });
}

std::vector<run_record> pg_store::unfinished_runs(const std::string& owner_node) {
  static const std::string sql = "SELECT " + std::string{run_columns}
                                 + " FROM runs WHERE owner_node = $1 AND status IN ($2, $3)"
                                   " ORDER BY created_at, run_id";
  return pool_->run("unfinished_runs", [&](pooled_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return read_runs(tx.exec_prepared(c.prepared(sql), owner_node,
                                      status_text(run_status::pending),
                                      status_text(run_status::running)));
  });
}

} // namespace runcast::persistence
