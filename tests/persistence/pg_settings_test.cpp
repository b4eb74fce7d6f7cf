#include "persistence/pg_settings.hpp"

#include "persistence/store.hpp"

#include <catch2/catch.hpp>

using runcast::persistence::store_error;
using runcast::persistence::detail::parse_url;

TEST_CASE("a PostgreSQL URL gets bounded timeouts unless it sets its own", "[persistence]") {
  auto s = parse_url("postgresql://u:secret@127.0.0.1:5432/db?pool_size=3&keepalives_idle=30", 4);
  CHECK(s.pool_size == 3);
  CHECK(s.conninfo.find("pool_size") == std::string::npos); // ours, not libpq's
  CHECK(s.conninfo.find("keepalives_idle=30") != std::string::npos);
  CHECK(s.conninfo.find("keepalives_idle=5") == std::string::npos);
  for (const char* p : {"connect_timeout=5", "keepalives=1", "keepalives_interval=2",
                        "keepalives_count=3", "tcp_user_timeout=10000"})
    CHECK(s.conninfo.find(p) != std::string::npos);
  REQUIRE_FALSE(s.secrets.empty());
  CHECK(s.secrets.front() == "secret");
  CHECK(parse_url("postgresql://h/db", 4).pool_size == 4);
  CHECK_THROWS_AS(parse_url("postgresql://h/db?pool_size=0", 4), store_error);
  CHECK_THROWS_AS(parse_url("not a url", 4), store_error);
}

TEST_CASE("a PostgreSQL URL's statement_timeout bounds calls on both sides", "[persistence]") {
  auto d = parse_url("postgresql://h/db", 4);
  CHECK(d.statement_timeout_ms == 10'000);
  CHECK(d.conninfo.find("options=-c%20statement_timeout%3D10000") != std::string::npos);
  auto s = parse_url("postgresql://h/db?statement_timeout=2500", 4);
  CHECK(s.statement_timeout_ms == 2500);
  CHECK(s.conninfo.find("statement_timeout=2500") == std::string::npos); // ours, not libpq's
  CHECK(s.conninfo.find("statement_timeout%3D2500") != std::string::npos);
  // A URL with its own libpq `options` keeps them; the client-side bound still applies.
  auto own = parse_url("postgresql://h/db?options=-c%20work_mem%3D4MB", 4);
  CHECK(own.conninfo.find("statement_timeout") == std::string::npos);
  CHECK(own.statement_timeout_ms == 10'000);
  for (const char* bad : {"statement_timeout=0", "statement_timeout=99", "statement_timeout=x",
                          "statement_timeout=3600001"})
    CHECK_THROWS_AS(parse_url(std::string{"postgresql://h/db?"} + bad, 4), store_error);
}

TEST_CASE("a URL with '://' only after its '?' is refused, not read past its end",
          "[persistence]") {
  // Found by fuzz/pg_url_fuzz (heap-buffer-overflow); seed fuzz/corpus/pg_url/scheme_in_query.
  CHECK_THROWS_AS(parse_url("postgresql:h?x://y/db", 4), store_error);
}
