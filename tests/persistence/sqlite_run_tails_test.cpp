// The SQLite writer's knowledge of where each run's stored events end
// (persistence/sqlite_run_tails.hpp): it holds only what was committed, and it forgets what
// another connection or a session delete may have made wrong. Each case below writes through
// the store what a stale entry would send to the wrong run key; the store must not.

#include "persistence/sqlite_run_tails.hpp"
#include "persistence/sqlite_store.hpp"

#include "tests/persistence/sample_rows.hpp"
#include "tests/persistence/sqlite_raw_db.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using runcast::run_status;
using runcast::stored_event;
using runcast::persistence::rows_of;
using runcast::persistence::sqlite_store;
using runcast::persistence::status_change;
using runcast::persistence::store_error;
using runcast::persistence::write_group;
using runcast::persistence::detail::sqlite_run_tails;
using runcast::test::minimal_run;
using runcast::test::numbered_events;
using runcast::test::temp_dir;
using raw_db = runcast::test::sqlite_raw_db;

namespace {

/// The indices load_events returns for the run.
std::vector<int64_t> indices(sqlite_store& s, const std::string& run_id) {
  std::vector<int64_t> out;
  for (const auto& e : s.load_events(run_id, 0, 1000))
    out.push_back(e.index);
  return out;
}

std::vector<int64_t> range(int64_t first, int64_t count) {
  std::vector<int64_t> out;
  for (int64_t i = first; i < first + count; ++i)
    out.push_back(i);
  return out;
}

runcast::run_record run_in(const std::string& run_id, const std::string& session_id) {
  auto run = minimal_run(run_id);
  run.session_id = session_id;
  return run;
}

} // namespace

TEST_CASE("run tails: staged entries count once committed, and go with a rollback") {
  sqlite_run_tails tails{3};
  tails.stage("a", {1, 10});
  CHECK(tails.find("a")->next_index == 10); // this transaction sees it
  tails.rollback();
  CHECK_FALSE(tails.find("a"));
  tails.stage("a", {1, 10});
  tails.commit();
  CHECK(tails.find("a")->key == 1);
  tails.stage("a", {1, 20});
  CHECK(tails.find("a")->next_index == 20);
  tails.rollback();
  CHECK(tails.find("a")->next_index == 10); // the committed one stays
  // Past its capacity it starts over rather than growing.
  tails.stage("b", {2, 1});
  tails.stage("c", {3, 1});
  tails.commit();
  CHECK(tails.size() == 3);
  for (const char* id : {"a", "b", "c"}) // runs it knows: at capacity, nothing is new
    tails.stage(id, {1, 30});
  tails.commit();
  CHECK(tails.size() == 3);
  CHECK(tails.find("a")->next_index == 30); // a run it knew takes its new tail
  tails.stage("d", {4, 1});
  tails.commit();
  CHECK(tails.size() == 0);
  CHECK_FALSE(tails.find("d"));
  CHECK_FALSE(tails.find("a"));
}

TEST_CASE("a group that fails after its events leaves no tail behind for the next commit") {
  temp_dir dir;
  auto path = (dir.path() / "runcast.db").string();
  sqlite_store s{path};
  // A status that fails, after the group's events were written: the whole group rolls back,
  // the run key given to r1 with it.
  raw_db{path}.exec("CREATE TRIGGER fail_status BEFORE UPDATE ON runs WHEN NEW.run_id = 'boom'"
                    " BEGIN SELECT RAISE(ABORT, 'injected'); END");
  s.create_run(minimal_run("r1"));
  s.create_run(minimal_run("boom"));
  auto first = numbered_events("r1", 0, 10);
  write_group failing;
  failing.events = rows_of(first);
  failing.statuses.push_back({"boom", run_status::running, {}, {}, 2.0});
  CHECK_THROWS_AS(s.write(failing), store_error);
  // A commit with no events, then r1's next events: they must find r1's real key.
  write_group status_only;
  status_only.statuses.push_back({"r1", run_status::running, {}, {}, 3.0});
  s.write(status_only);
  s.append_events(numbered_events("r1", 10, 10));
  CHECK(indices(s, "r1") == range(10, 10));
  CHECK(s.next_event_index("r1") == 20);
  s.append_events(numbered_events("r1", 20, 5)); // and on, from what it now knows
  CHECK(indices(s, "r1") == range(10, 15));
}

TEST_CASE("a run key another connection deleted and gave again is not written to") {
  temp_dir dir;
  auto path = (dir.path() / "runcast.db").string();
  sqlite_store a{path};
  sqlite_store b{path}; // as a second process on the same file
  a.create_run(run_in("r1", "s1"));
  a.append_events(numbered_events("r1", 0, 10)); // a knows r1's key and tail now
  raw_db raw{path};
  auto key = raw.scalar("SELECT run_key FROM event_runs WHERE run_id = 'r1'");
  REQUIRE(b.delete_session("s1"));
  b.create_run(run_in("r2", "s2"));
  b.append_events(numbered_events("r2", 0, 5));
  // SQLite gives a deleted highest rowid again: r2 has r1's old key.
  REQUIRE(raw.scalar("SELECT run_key FROM event_runs WHERE run_id = 'r2'") == key);
  a.append_events(numbered_events("r1", 10, 10));
  CHECK(indices(a, "r2") == range(0, 5));
  CHECK(indices(a, "r1") == range(10, 10));
}

TEST_CASE("a session deleted by the store itself takes its runs' tails with it") {
  temp_dir dir;
  auto path = (dir.path() / "runcast.db").string();
  sqlite_store s{path};
  s.create_run(run_in("r1", "s1"));
  s.append_events(numbered_events("r1", 0, 10));
  REQUIRE(s.delete_session("s1"));
  s.create_run(run_in("r2", "s2"));
  s.append_events(numbered_events("r2", 0, 5));
  s.append_events(numbered_events("r1", 10, 10));
  CHECK(indices(s, "r2") == range(0, 5));
  CHECK(indices(s, "r1") == range(10, 10));
}
