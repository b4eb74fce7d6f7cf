#include "persistence/pg_store.hpp"

#include "persistence/session_order.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/pg_pool.hpp"
#include "persistence/pg_rows.hpp"
#include "persistence/pg_schema.hpp"
#include "persistence/pg_settings.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace runcast::persistence {

// The helpers live in internal headers (detail); named once here so the store methods stay
// as short as the SQL they run.
using detail::number_of;
using detail::pg_connection;
using detail::read_run;
using detail::read_runs;
using detail::read_session;
using detail::run_columns;
using detail::session_columns;
using detail::text_of;

namespace {

// -- events ----------------------------------------------------------------------------------

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

// -- values ----------------------------------------------------------------------------------

/// Shortest text that parses back to exactly `value` (PostgreSQL's float8 input is exact).
std::string real_text(double value) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
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

// -- statements (the caller holds the connection and the transaction) ------------------------

void insert_run(pg_connection& c, pqxx::transaction_base& tx, const run_record& run) {
  // The session upsert (new session, or updated_at moved; who created it stays) is undone
  // with the run's insert if the run id exists: one statement.
  static const std::string sql =
    "WITH session AS ("
    " INSERT INTO sessions (session_id, user_id, kind, component_id, created_at, updated_at)"
    " VALUES ($2, $3, $4, $5, $12, $12)"
    " ON CONFLICT (session_id)"
    " DO UPDATE SET updated_at = GREATEST(sessions.updated_at, excluded.updated_at))"
    " INSERT INTO runs ("
    + std::string{run_columns}
    + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
  try {
    tx.exec_prepared(c.prepared(sql), run.run_id, run.session_id, run.user_id, run.kind,
                     run.component_id, run.owner_node, run.input, run.params_json,
                     status_text(run.status), nullable(run.content), nullable(run.error),
                     real_text(run.created_at), real_text(run.updated_at), run.parent_run_id);
  } catch (const pqxx::unique_violation&) {
    // runs_pkey is the only unique constraint the statement can violate.
    throw store_error("pg store: create_run: run '" + run.run_id + "' exists already");
  }
}

bool change_status(pg_connection& c, pqxx::transaction_base& tx, const status_change& change) {
  // COALESCE keeps an earlier content/error when this update does not carry one.
  static const std::string sql =
    "UPDATE runs SET status = $2, content = COALESCE($3, content),"
    " error = COALESCE($4, error), updated_at = $5 WHERE run_id = $1";
  auto result = tx.exec_prepared(c.prepared(sql), change.run_id, status_text(change.status),
                                 nullable(change.content), nullable(change.error),
                                 real_text(change.updated_at));
  return result.affected_rows() > 0;
}

/// Inserts events, events_per_statement to a statement: five array literals, one element
/// per event.
void insert_events(pg_connection& c, pqxx::transaction_base& tx,
                   const std::vector<event_row>& events) {
  const auto& statement = c.prepared(insert_events_sql);
  for (auto first = events.begin(); first != events.end();) {
    auto left = static_cast<size_t>(events.end() - first);
    auto last = first + static_cast<std::ptrdiff_t>(std::min(left, events_per_statement));
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
    first = last;
  }
}

} // namespace

// -- constructors, destructors ---------------------------------------------------------------

pg_store::pg_store(const std::string& url, pg_store_options options) {
  auto settings = detail::parse_url(url, options.pool_size,
                                    static_cast<size_t>(options.statement_timeout.count()));
  if (options.reconnect_min.count() < 1)
    options.reconnect_min = std::chrono::milliseconds{1};
  options.reconnect_max = std::max(options.reconnect_max, options.reconnect_min);
  pool_ = std::make_unique<detail::pg_pool>(std::move(settings), options);
  // The first connection is opened here, so a wrong URL fails now, not on the first call;
  // it stays in the pool.
  pool_->run("migrate schema", [](pg_connection& c) { detail::migrate_schema(c); });
}

pg_store::~pg_store() = default;

size_t pg_store::pool_size() const noexcept {
  return pool_->size();
}

// -- store interface -------------------------------------------------------------------------

void pg_store::create_run(const run_record& run) {
  pool_->run("create_run", [&](pg_connection& c) {
    // One statement, so it is atomic without BEGIN/COMMIT round trips.
    pqxx::nontransaction tx{c.conn};
    insert_run(c, tx, run);
  });
}

bool pg_store::update_run_status(const std::string& run_id, run_status status,
                                 const std::optional<std::string>& content,
                                 const std::optional<std::string>& error, double updated_at) {
  return pool_->run("update_run_status", [&](pg_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return change_status(c, tx, {run_id, status, content, error, updated_at});
  });
}

void pg_store::append_events(const std::vector<stored_event>& events) {
  if (events.empty())
    return;
  auto rows = rows_of(events);
  pool_->run("append_events", [&](pg_connection& c) {
    if (rows.size() <= events_per_statement) {
      // A single statement is atomic by itself; skipping BEGIN/COMMIT saves two round
      // trips, which is most of the cost of a small batch.
      pqxx::nontransaction tx{c.conn};
      insert_events(c, tx, rows);
      return;
    }
    // One transaction for the batch: a retry after a failure finds none or all of it, and
    // ON CONFLICT makes both cases (and a retry after an unknown commit outcome) safe.
    pqxx::work tx{c.conn};
    insert_events(c, tx, rows);
    tx.commit();
  });
}

std::vector<bool> pg_store::write(const write_group& group) {
  if (group.empty())
    return {};
  return pool_->run("write", [&](pg_connection& c) {
    // One commit (one WAL flush) for many runs' rows: what makes a burst of starts cheap.
    pqxx::work tx{c.conn};
    for (const auto& run : group.runs)
      insert_run(c, tx, run);
    insert_events(c, tx, group.events);
    std::vector<bool> found;
    found.reserve(group.statuses.size());
    for (const auto& change : group.statuses)
      found.push_back(change_status(c, tx, change));
    tx.commit();
    return found;
  });
}

std::optional<run_record> pg_store::find_run(const std::string& run_id) {
  static const std::string sql =
    "SELECT " + std::string{run_columns} + " FROM runs WHERE run_id = $1";
  return pool_->run("find_run", [&](pg_connection& c) -> std::optional<run_record> {
    pqxx::nontransaction tx{c.conn};
    auto rows = tx.exec_prepared(c.prepared(sql), run_id);
    if (rows.empty())
      return std::nullopt;
    return read_run(rows[0]);
  });
}

std::vector<run_record> pg_store::list_runs(const run_filter& filter) {
  // Parameters are numbered in the order the filters appear, so the SQL text depends only
  // on which filters are set: at most 64 prepared variants per connection. Conditions are
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
  if (filter.user_id)
    add("user_id", *filter.user_id);
  if (filter.top_level_only) {
    sql += glue;
    sql += "parent_run_id = ''";
    glue = " AND ";
  }
  // Newest first; run_id breaks ties so pages never overlap or skip.
  sql += " ORDER BY created_at DESC, run_id DESC LIMIT $" + std::to_string(values.size() + 1)
         + " OFFSET $" + std::to_string(values.size() + 2);
  values.push_back(std::to_string(clamp_to_int64(filter.limit)));
  values.push_back(std::to_string(clamp_to_int64(filter.offset)));
  return pool_->run("list_runs", [&](pg_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return read_runs(
      tx.exec_prepared(c.prepared(sql), pqxx::prepare::make_dynamic_params(values)));
  });
}

namespace {
const std::string load_events_sql = "SELECT event_index, event_type, data, created_at"
                                    " FROM run_events WHERE run_id = $1 AND event_index >= $2"
                                    " ORDER BY event_index LIMIT $3";
} // namespace

std::vector<stored_event> pg_store::load_events(const std::string& run_id, int64_t from,
                                                size_t limit) {
  std::vector<stored_event> events;
  events.reserve(std::min<size_t>(limit, 4096));
  visit_events(run_id, from, limit, [&](const stored_event_view& e) {
    events.push_back({run_id, e.index, std::string{e.type}, std::string{e.data}, e.created_at});
  });
  return events;
}

void pg_store::visit_events(const std::string& run_id, int64_t from, size_t limit,
                            const event_visitor& visit) {
  // The result outlives its transaction and connection: the visits run after the
  // connection is back in the pool, and whatever they throw stays theirs.
  auto rows = pool_->run("load_events", [&](pg_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return tx.exec_prepared(c.prepared(load_events_sql), run_id, from, clamp_to_int64(limit));
  });
  auto view = [](const pqxx::field& f) { return std::string_view{f.c_str(), f.size()}; };
  for (const auto& row : rows) {
    stored_event_view e{0, view(row[1]), view(row[2]), 0};
    try {
      e.index = number_of<int64_t>(row[0]);
      e.created_at = number_of<double>(row[3]);
    } catch (const std::exception& bad) {
      throw store_error(pool_->describe("load_events", bad.what()));
    }
    visit(e);
  }
}

int64_t pg_store::next_event_index(const std::string& run_id) {
  // A seek, not a count: PostgreSQL rewrites a lone MAX() into an InitPlan "Limit -> Index
  // Only Scan Backward using run_events_pkey" with Index Cond run_id = $1, reading one
  // index entry however many events the run has (COUNT(*) reads all of them).
  static const std::string sql =
    "SELECT COALESCE(MAX(event_index) + 1, 0) FROM run_events WHERE run_id = $1";
  return pool_->run("next_event_index", [&](pg_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return number_of<int64_t>(tx.exec_prepared(c.prepared(sql), run_id)[0][0]);
  });
}

session_page pg_store::list_sessions(const session_filter& filter) {
  const auto [column, direction] = detail::order_of(filter);

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

  return pool_->run("list_sessions", [&](pg_connection& c) {
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
  return pool_->run("find_session", [&](pg_connection& c) -> std::optional<session_record> {
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
  return pool_->run("delete_session", [&](pg_connection& c) {
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
  return pool_->run("unfinished_runs", [&](pg_connection& c) {
    pqxx::nontransaction tx{c.conn};
    return read_runs(tx.exec_prepared(c.prepared(sql), owner_node,
                                      status_text(run_status::pending),
                                      status_text(run_status::running)));
  });
}

} // namespace runcast::persistence
