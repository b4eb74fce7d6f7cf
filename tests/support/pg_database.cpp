#include "tests/support/pg_database.hpp"

#include <pqxx/pqxx>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace runcast::test {

std::string pg_database::server_url() {
  const char* url = std::getenv("RUNCAST_TEST_PG_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error("RUNCAST_TEST_PG_URL is not set: run the suite through "
                             "scripts/test, which starts a throwaway PostgreSQL");
  return url;
}

pg_database::pg_database() {
  auto admin = server_url();
  std::random_device rd;
  name_ = "runcast_test_" + std::to_string(rd()) + std::to_string(rd() % 100000);
  pqxx::connection conn{admin};
  pqxx::nontransaction tx{conn};
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  // Replace the database part of the URL: postgresql://user@host:port/db[?params].
  auto slash = admin.find('/', admin.find("://") + 3);
  auto query = admin.find('?');
  url_ = admin.substr(0, slash == std::string::npos ? admin.size() : slash) + "/" + name_
         + (query == std::string::npos ? "" : admin.substr(query));
}

pg_database::~pg_database() {
  try {
    pqxx::connection conn{server_url()};
    pqxx::nontransaction tx{conn};
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A destructor must not throw; a leftover database dies with the throwaway server.
  }
}

} // namespace runcast::test
