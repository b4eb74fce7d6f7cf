#pragma once

// Helpers of the PostgreSQL store tests (pg_store_test.cpp, pg_pool_test.cpp).

#include "persistence/pg_store.hpp"

#include "tests/persistence/sample_rows.hpp"

#include <pqxx/pqxx>

#include <random>
#include <string>
#include <vector>

namespace runcast::test::pg {

using runcast::stored_event;
using runcast::persistence::pg_store;
using runcast::persistence::run_record;
using runcast::persistence::store_error;
using runcast::test::minimal_run;
using runcast::test::numbered_events;

/// `url` with a query parameter added.
inline std::string with_param(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

/// A plain connection, for looking at what the store wrote behind its back.
class raw_db {
public:
  explicit raw_db(const std::string& url) : conn_(url) {
  }

  /// The first column of the first row of `sql`, as text ("" if no row or NULL).
  std::string scalar(const std::string& sql) {
    pqxx::nontransaction tx{conn_};
    auto rows = tx.exec(sql);
    if (rows.empty() || rows[0][0].is_null())
      return {};
    return rows[0][0].c_str();
  }

  void exec(const std::string& sql) {
    pqxx::nontransaction tx{conn_};
    tx.exec(sql);
  }

  pqxx::connection& connection() {
    return conn_;
  }

private:
  pqxx::connection conn_;
};

/// Connections the store opened, recognized by the application_name it was given.
inline int connections_named(raw_db& admin, const std::string& application_name) {
  return std::stoi(admin.scalar(
    "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + application_name
    + "'"));
}

inline std::string unique_name(const char* prefix) {
  return prefix + std::to_string(std::random_device{}());
}

inline std::string message_of(const std::string& url) {
  try {
    pg_store s{url};
  } catch (const store_error& e) {
    return e.what();
  }
  return {};
}

} // namespace runcast::test::pg
