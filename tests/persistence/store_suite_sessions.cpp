// The store contract: sessions (created by runs, listed, paged, sorted, deleted).

#include "tests/persistence/store_suite.hpp"

#include "tests/persistence/store_suite_helpers.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <thread>
#include <vector>

namespace runcast::test::store_suite {

using namespace detail;

void create_run_creates_and_updates_sessions(store_backend& backend) {
  auto s = backend.open();
  CHECK_FALSE(s->find_session("s1"));

  add_session_run(*s, "r1", "s1", 100.0, "agents", "echo", "alice");
  auto session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->session_id == "s1");
  CHECK(session->user_id == "alice");
  CHECK(session->kind == "agents");
  CHECK(session->component_id == "echo");
  CHECK(session->created_at == 100.0);
  CHECK(session->updated_at == 100.0);
  CHECK(session->run_count == 1);

  // A second run moves updated_at to its created_at; the session keeps its creator's fields.
  add_session_run(*s, "r2", "s1", 250.5, "teams", "squad", "bob");
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->user_id == "alice");
  CHECK(session->kind == "agents");
  CHECK(session->component_id == "echo");
  CHECK(session->created_at == 100.0);
  CHECK(session->updated_at == 250.5);
  CHECK(session->run_count == 2);

  // Another session's runs are counted there, not here.
  add_session_run(*s, "r3", "s2", 300.0);
  add_session_run(*s, "r4", "s2", 310.0);
  add_session_run(*s, "r5", "s2", 320.0);
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->run_count == 2);
  CHECK(session->updated_at == 250.5);
  auto other = s->find_session("s2");
  REQUIRE(other);
  CHECK(other->run_count == 3);
  CHECK(other->created_at == 300.0);
  CHECK(other->updated_at == 320.0);

  // A run's status changing is not a run being added.
  REQUIRE(s->update_run_status("r2", run_status::completed, std::string{"done"}, std::nullopt,
                               400.0));
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->updated_at == 250.5);

  // A rejected duplicate run neither moves an existing session nor creates a new one.
  auto clash = sample_run("r2", 999.0);
  clash.session_id = "s1";
  CHECK_THROWS_AS(s->create_run(clash), store_error);
  clash.session_id = "s-new";
  CHECK_THROWS_AS(s->create_run(clash), store_error);
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->updated_at == 250.5);
  CHECK(session->run_count == 2);
  CHECK_FALSE(s->find_session("s-new"));
  CHECK_FALSE(s->find_session("missing"));
}

void list_sessions_filters(store_backend& backend) {
  auto s = backend.open();
  add_session_run(*s, "r1", "s1", 100.0, "agents", "echo", "alice");
  add_session_run(*s, "r2", "s2", 200.0, "agents", "writer", "bob");
  add_session_run(*s, "r3", "s3", 300.0, "teams", "squad", "alice");
  add_session_run(*s, "r4", "s4", 400.0, "workflows", "flow", "carol");
  add_session_run(*s, "r5", "s5", 500.0, "agents", "echo", "bob");
  // A later run of another kind, component and user does not change how s1 is filtered.
  add_session_run(*s, "r6", "s1", 600.0, "teams", "squad", "carol");

  using ids = std::vector<std::string>;
  auto page = s->list_sessions({});
  CHECK(ids_of(page) == ids{"s5", "s4", "s3", "s2", "s1"});
  CHECK(page.total_count == 5);
  REQUIRE(page.sessions.size() == 5);
  CHECK(page.sessions.back().run_count == 2);
  CHECK(page.sessions.back().updated_at == 600.0);
  CHECK(page.sessions.front().run_count == 1);

  session_filter f;
  f.kind = "agents";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s5", "s2", "s1"});
  CHECK(page.total_count == 3);

  f = {};
  f.component_id = "echo";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s5", "s1"});
  CHECK(page.total_count == 2);

  f = {};
  f.user_id = "alice";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s3", "s1"});
  CHECK(page.total_count == 2);

  f = {};
  f.user_id = "carol";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s4"});
  CHECK(page.total_count == 1);

  // Filters combine with AND.
  f = {};
  f.kind = "agents";
  f.user_id = "bob";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s5", "s2"});
  CHECK(page.total_count == 2);

  f = {};
  f.kind = "agents";
  f.component_id = "echo";
  f.user_id = "alice";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s1"});
  CHECK(page.total_count == 1);

  f = {};
  f.kind = "teams";
  f.component_id = "echo";
  page = s->list_sessions(f);
  CHECK(page.sessions.empty());
  CHECK(page.total_count == 0);

  f = {};
  f.user_id = "nobody";
  page = s->list_sessions(f);
  CHECK(page.sessions.empty());
  CHECK(page.total_count == 0);

  // total_count counts every match, not just the page.
  f = {};
  f.kind = "agents";
  f.limit = 1;
  f.page = 2;
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s2"});
  CHECK(page.total_count == 3);
}

void list_sessions_pages(store_backend& backend) {
  constexpr int sessions = 25;
  auto s = backend.open();
  // Sessions s-00 … s-24 in groups of three sharing created_at, so page boundaries fall
  // inside groups of ties; inserted in reverse id order so the order is the store's doing.
  std::vector<std::string> expected; // newest first, ties by session_id descending
  for (int i = sessions - 1; i >= 0; --i) {
    const std::string id = (i < 10 ? "s-0" : "s-") + std::to_string(i);
    add_session_run(*s, "run-" + id, id, 1000.0 + i / 3);
    expected.push_back(id);
  }

  session_filter f;
  f.limit = 10;
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  for (f.page = 1; f.page <= 3; ++f.page) {
    auto page = s->list_sessions(f);
    CAPTURE(f.page);
    CHECK(page.total_count == sessions);
    sizes.push_back(page.sessions.size());
    for (const auto& id : ids_of(page))
      seen.push_back(id);
  }
  CHECK(sizes == std::vector<size_t>{10, 10, 5});
  // Concatenated pages are the whole ordered list: no overlap, no gap.
  CHECK(seen == expected);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == size_t{sessions});

  auto past_end = s->list_sessions(f); // page 4
  CHECK(past_end.sessions.empty());
  CHECK(past_end.total_count == sessions);
  f.page = 1000;
  past_end = s->list_sessions(f);
  CHECK(past_end.sessions.empty());
  CHECK(past_end.total_count == sessions);

  // A page size that divides nothing evenly, ascending this time.
  f = {};
  f.limit = 7;
  f.descending = false;
  std::vector<std::string> ascending;
  for (f.page = 1; f.page <= 4; ++f.page) {
    auto page = s->list_sessions(f);
    CHECK(page.total_count == sessions);
    CHECK(page.sessions.size() == (f.page < 4 ? 7u : 4u));
    for (const auto& id : ids_of(page))
      ascending.push_back(id);
  }
  CHECK(ascending == std::vector<std::string>(expected.rbegin(), expected.rend()));

  // One session per page.
  f = {};
  f.limit = 1;
  f.page = 25;
  auto last = s->list_sessions(f);
  CHECK(ids_of(last) == std::vector<std::string>{"s-00"});
  CHECK(last.total_count == sessions);
}

void list_sessions_sort_keys_and_directions(store_backend& backend) {
  auto s = backend.open();
  // created_at: a 100, b 200, c 200, d 300 (b and c tie);
  // updated_at: b 200, c 300, a 400, d 400 (a and d tie). Each key orders them differently.
  add_session_run(*s, "d1", "d", 300.0);
  add_session_run(*s, "b1", "b", 200.0);
  add_session_run(*s, "a1", "a", 100.0);
  add_session_run(*s, "c1", "c", 200.0);
  add_session_run(*s, "c2", "c", 300.0);
  add_session_run(*s, "a2", "a", 400.0);
  add_session_run(*s, "d2", "d", 400.0);

  using ids = std::vector<std::string>;
  auto list = [&](const std::string& sort_by, bool descending) {
    session_filter f;
    f.sort_by = sort_by;
    f.descending = descending;
    auto page = s->list_sessions(f);
    CHECK(page.total_count == 4);
    return ids_of(page);
  };
  // Ties go by session_id in the sort's direction: asc and desc cannot both match the
  // insertion order.
  CHECK(list("created_at", true) == ids{"d", "c", "b", "a"});
  CHECK(list("created_at", false) == ids{"a", "b", "c", "d"});
  CHECK(list("updated_at", true) == ids{"d", "a", "c", "b"});
  CHECK(list("updated_at", false) == ids{"b", "c", "a", "d"});
  // The default is newest created first.
  CHECK(ids_of(s->list_sessions({})) == ids{"d", "c", "b", "a"});

  // Paging through a tie keeps the tie-break.
  session_filter f;
  f.sort_by = "updated_at";
  f.limit = 1;
  f.page = 2;
  CHECK(ids_of(s->list_sessions(f)) == ids{"a"});
  f.descending = false;
  f.page = 4;
  CHECK(ids_of(s->list_sessions(f)) == ids{"d"});

  // Anything else is refused, never passed on to the database.
  f = {};
  f.sort_by = "session_id";
  CHECK_THROWS_AS(s->list_sessions(f), std::invalid_argument);
  f.sort_by = "created_at; DROP TABLE sessions";
  CHECK_THROWS_AS(s->list_sessions(f), std::invalid_argument);
  f.sort_by = "";
  CHECK_THROWS_AS(s->list_sessions(f), std::invalid_argument);
  CHECK(s->list_sessions({}).total_count == 4);
}

void delete_session_removes_its_runs_and_events_only(store_backend& backend) {
  auto s = backend.open();
  add_session_run(*s, "r1", "s1", 100.0);
  add_session_run(*s, "r2", "s1", 110.0);
  add_session_run(*s, "r3", "s2", 120.0);
  add_session_run(*s, "r4", "s3", 130.0);
  s->append_events(sample_events("r1", 0, 4));
  s->append_events(sample_events("r2", 0, 2));
  s->append_events(sample_events("r3", 0, 3));
  s->append_events(sample_events("r4", 0, 1));

  CHECK(s->delete_session("s1"));
  CHECK_FALSE(s->find_session("s1"));
  CHECK_FALSE(s->find_run("r1"));
  CHECK_FALSE(s->find_run("r2"));
  CHECK(s->next_event_index("r1") == 0);
  CHECK(s->next_event_index("r2") == 0);
  CHECK(s->load_events("r1", 0, 100).empty());
  run_filter in_s1;
  in_s1.session_id = "s1";
  CHECK(s->list_runs(in_s1).empty());

  // The other sessions, their runs and events are untouched.
  auto s2 = s->find_session("s2");
  REQUIRE(s2);
  CHECK(s2->run_count == 1);
  CHECK(s2->updated_at == 120.0);
  CHECK(s->find_run("r3"));
  CHECK(s->find_run("r4"));
  CHECK(s->next_event_index("r3") == 3);
  CHECK(s->next_event_index("r4") == 1);
  auto events = s->load_events("r3", 0, 100);
  REQUIRE(events.size() == 3);
  check_same_event(events[2], sample_event("r3", 2));
  auto rest = s->list_sessions({});
  CHECK(ids_of(rest) == std::vector<std::string>{"s3", "s2"});
  CHECK(rest.total_count == 2);
  CHECK(s->list_runs({}).size() == 2);

  // Unknown and already-deleted sessions report false and delete nothing.
  CHECK_FALSE(s->delete_session("s1"));
  CHECK_FALSE(s->delete_session("missing"));
  CHECK(s->list_sessions({}).total_count == 2);
  CHECK(s->next_event_index("r3") == 3);

  // The ids are free again: a new run may reuse a deleted run's id, starts a fresh session,
  // and inherits none of the old events.
  add_session_run(*s, "r1", "s1", 200.0);
  auto again = s->find_session("s1");
  REQUIRE(again);
  CHECK(again->run_count == 1);
  CHECK(again->created_at == 200.0);
  CHECK(s->next_event_index("r1") == 0);
}

void list_runs_by_user_fills_pages(store_backend& backend) {
  auto s = backend.open();
  for (auto [id, user, at] : {std::tuple{"u1", "alice", 600.0}, std::tuple{"u2", "bob", 700.0},
                              std::tuple{"u3", "alice", 800.0}, std::tuple{"u4", "", 900.0}}) {
    auto run = sample_run(id, at);
    run.session_id = "shared";
    run.user_id = user;
    s->create_run(run);
  }
  using ids = std::vector<std::string>;
  run_filter f;
  f.session_id = "shared";
  f.user_id = "alice";
  CHECK(ids_of(s->list_runs(f)) == ids{"u3", "u1"});
  // The filter is in the query: a page of one at offset one is alice's second run, not a
  // page another user's run left short.
  f.limit = 1;
  f.offset = 1;
  CHECK(ids_of(s->list_runs(f)) == ids{"u1"});
  f = {};
  f.user_id = "";
  CHECK(ids_of(s->list_runs(f)) == ids{"u4"});
}

} // namespace runcast::test::store_suite
