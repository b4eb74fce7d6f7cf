#include "persistence/pg_connection.hpp"

#include <utility>

namespace runcast::persistence::detail {

pg_connection::pg_connection(const std::string& conninfo) : conn(conninfo), quiet(conn) {
}

const std::string& pg_connection::prepared(const std::string& sql) {
  auto i = statements.find(sql);
  if (i == statements.end()) {
    auto name = "runcast_" + std::to_string(statements.size());
    conn.prepare(name, sql);
    i = statements.emplace(sql, std::move(name)).first;
  }
  return i->second;
}

} // namespace runcast::persistence::detail
