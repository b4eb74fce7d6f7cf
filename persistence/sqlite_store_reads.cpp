#include "persistence/sqlite_store.hpp"

#include "persistence/session_order.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_event_blocks.hpp"
#include "persistence/sqlite_read_pool.hpp"
#include "persistence/sqlite_read_transaction.hpp"
#include "persistence/sqlite_rows.hpp"
#include "persistence/sqlite_statement_use.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

// The reads; the writes (and opening) are in sqlite_store.cpp. Each read leases a read-only
// connection from readers_ and keeps it, with its mutex, until its statements are reset.

namespace runcast::persistence {

using detail::read_run;
using detail::read_runs;
using detail::read_session;
using detail::run_columns;
using detail::session_columns;
using detail::sqlite_read_transaction;
using detail::sqlite_statement_use;

namespace {

int64_t clamp_to_int64(size_t n) {
  return static_cast<int64_t>(
    std::min<uint64_t>(n, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

} // namespace

std::optional<run_record> sqlite_store::find_run(const std::string& run_id) {
  constexpr const char* operation = "find_run";
  auto reader = readers_->acquire();
  auto& c = reader.connection;
  auto* db = c.handle();
  static const std::string sql =
    "SELECT " + std::string{run_columns} + " FROM runs WHERE run_id = ?1";
  sqlite_statement_use query{db, c.prepared(sql, operation), operation};
  query.bind(1, run_id);
  if (!query.next_row())
    return std::nullopt;
  return read_run(query, operation);
}

std::vector<run_record> sqlite_store::list_runs(const run_filter& filter) {
  constexpr const char* operation = "list_runs";
  // Each filter has a fixed parameter number, so the SQL text (the cache key) depends only
  // on which filters are set: at most 64 cached variants. Conditions are spelled out rather
  // than `?1 IS NULL OR …` so the planner can use the session index.
  std::string sql = "SELECT " + std::string{run_columns} + " FROM runs";
  const char* glue = " WHERE ";
  auto add = [&](const char* condition) {
    sql += glue;
    sql += condition;
    glue = " AND ";
  };
  if (filter.session_id)
    add("session_id = ?1");
  if (filter.kind)
    add("kind = ?2");
  if (filter.component_id)
    add("component_id = ?3");
  if (filter.status)
    add("status = ?4");
  if (filter.user_id)
    add("user_id = ?7");
  if (filter.top_level_only)
    add("parent_run_id = ''");
  // Newest first; run_id breaks ties so pages never overlap or skip.
  sql += " ORDER BY created_at DESC, run_id DESC LIMIT ?5 OFFSET ?6";

  auto reader = readers_->acquire();
  auto& c = reader.connection;
  sqlite_statement_use query{c.handle(), c.prepared(sql, operation), operation};
  if (filter.session_id)
    query.bind(1, *filter.session_id);
  if (filter.kind)
    query.bind(2, *filter.kind);
  if (filter.component_id)
    query.bind(3, *filter.component_id);
  if (filter.status)
    query.bind(4, *filter.status);
  query.bind(5, clamp_to_int64(filter.limit));
  query.bind(6, clamp_to_int64(filter.offset));
  if (filter.user_id)
    query.bind(7, *filter.user_id);
  return read_runs(query, operation);
}

std::vector<stored_event> sqlite_store::load_events(const std::string& run_id, int64_t from,
                                                    size_t limit) {
  auto reader = readers_->acquire();
  return detail::load_event_blocks(reader.connection, run_id, from, limit);
}

void sqlite_store::visit_events(const std::string& run_id, int64_t from, size_t limit,
                                const event_visitor& visit) {
  auto reader = readers_->acquire();
  detail::visit_event_blocks(reader.connection, run_id, from, limit, visit);
}

int64_t sqlite_store::next_event_index(const std::string& run_id) {
  auto reader = readers_->acquire();
  return detail::next_event_index_of_blocks(reader.connection, run_id);
}

session_page sqlite_store::list_sessions(const session_filter& filter) {
  constexpr const char* operation = "list_sessions";
  const auto [column, direction] = detail::order_of(filter);

  // As in list_runs: fixed parameter numbers, so the SQL text depends only on which filters
  // are set and on the order (at most 32 page variants and 8 count variants).
  std::string where;
  const char* glue = " WHERE ";
  auto add = [&](const char* condition) {
    where += glue;
    where += condition;
    glue = " AND ";
  };
  if (filter.kind)
    add("s.kind = ?1");
  if (filter.component_id)
    add("s.component_id = ?2");
  if (filter.user_id)
    add("s.user_id = ?3");
  const std::string count_sql = "SELECT COUNT(*) FROM sessions s" + where;
  // session_id breaks ties in the same direction, so pages never overlap or skip.
  const std::string page_sql = "SELECT " + std::string{session_columns} + " FROM sessions s"
                               + where + " ORDER BY s." + column + direction
                               + ", s.session_id" + direction + " LIMIT ?4 OFFSET ?5";
  const auto limit = clamp_to_int64(filter.limit);
  const uint64_t skipped_pages = filter.page - 1;
  const auto int64_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const auto offset = skipped_pages > int64_max / filter.limit
                        ? std::numeric_limits<int64_t>::max()
                        : clamp_to_int64(skipped_pages * filter.limit);

  auto bind_filters = [&](sqlite_statement_use& query) {
    if (filter.kind)
      query.bind(1, *filter.kind);
    if (filter.component_id)
      query.bind(2, *filter.component_id);
    if (filter.user_id)
      query.bind(3, *filter.user_id);
  };

  auto reader = readers_->acquire();
  auto& c = reader.connection;
  auto* db = c.handle();
  // One snapshot for both queries, so total_count agrees with the page even while the
  // writer (or another process) commits between them.
  sqlite_read_transaction snapshot{db, operation};
  session_page result;
  {
    sqlite_statement_use count{db, c.prepared(count_sql, operation), operation};
    bind_filters(count);
    if (count.next_row())
      result.total_count = count.integer(0);
  }
  {
    sqlite_statement_use query{db, c.prepared(page_sql, operation), operation};
    bind_filters(query);
    query.bind(4, limit);
    query.bind(5, offset);
    while (query.next_row())
      result.sessions.push_back(read_session(query));
  }
  return result;
}

std::optional<session_record> sqlite_store::find_session(const std::string& session_id) {
  constexpr const char* operation = "find_session";
  auto reader = readers_->acquire();
  auto& c = reader.connection;
  static const std::string sql =
    "SELECT " + std::string{session_columns} + " FROM sessions s WHERE s.session_id = ?1";
  sqlite_statement_use query{c.handle(), c.prepared(sql, operation), operation};
  query.bind(1, session_id);
  if (!query.next_row())
    return std::nullopt;
  return read_session(query);
}

std::vector<run_record> sqlite_store::unfinished_runs(const std::string& owner_node) {
  constexpr const char* operation = "unfinished_runs";
  auto reader = readers_->acquire();
  auto& c = reader.connection;
  static const std::string sql = "SELECT " + std::string{run_columns}
                                 + " FROM runs WHERE owner_node = ?1 AND status IN (?2, ?3)"
                                   " ORDER BY created_at, run_id";
  sqlite_statement_use query{c.handle(), c.prepared(sql, operation), operation};
  query.bind(1, owner_node);
  query.bind(2, run_status::pending);
  query.bind(3, run_status::running);
  return read_runs(query, operation);
}

} // namespace runcast::persistence
