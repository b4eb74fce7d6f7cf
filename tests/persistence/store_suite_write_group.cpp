// The store contract for store::write, the store worker's group commit: many runs' creates,
// events and statuses in one transaction, all of it or none of it.

#include "tests/persistence/store_suite.hpp"

#include "tests/persistence/store_suite_helpers.hpp"

#include <string>
#include <vector>

namespace runcast::test::store_suite {

using namespace detail;
using persistence::status_change;
using persistence::write_group;

void write_group_lands_together(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("old"));

  write_group group;
  for (int i = 0; i < 50; ++i) {
    auto run = sample_run("run-" + std::to_string(i), 1700000100.0 + i);
    run.session_id = "session-" + std::to_string(i % 5); // several runs to a session
    group.runs.push_back(run);
  }
  auto events = sample_events("old", 0, 3);
  group.events = persistence::rows_of(events); // rows view `events`
  // A run created in this group may have its status changed in it too (a member's record).
  group.statuses.push_back({"run-7", run_status::completed, "done", std::nullopt, 1700000200.0});
  group.statuses.push_back({"old", run_status::running, std::nullopt, std::nullopt, 1700000201.0});
  group.statuses.push_back({"nobody", run_status::completed, std::nullopt, std::nullopt, 1.0});
  auto found = s->write(group);
  CHECK(found == std::vector<bool>{true, true, false});

  s = backend.open(); // what was made durable
  for (int i = 0; i < 50; ++i) {
    auto run = s->find_run("run-" + std::to_string(i));
    REQUIRE(run);
    CHECK(run->session_id == "session-" + std::to_string(i % 5));
  }
  CHECK(s->find_run("run-7")->status == run_status::completed);
  CHECK(s->find_run("run-7")->content == std::optional<std::string>{"done"});
  CHECK(s->find_run("old")->status == run_status::running);
  CHECK(s->load_events("old", 0, 10).size() == 3);
  auto session = s->find_session("session-4");
  REQUIRE(session);
  CHECK(session->run_count == 10);
  CHECK(session->updated_at == 1700000149.0); // the latest of its runs
  CHECK_FALSE(s->find_run("nobody"));
  CHECK(s->write(write_group{}).empty());
}

void write_group_is_all_or_nothing(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("taken"));

  write_group group;
  group.runs.push_back(sample_run("fresh-1"));
  group.runs.push_back(sample_run("taken")); // exists: the whole group must fail
  auto events = sample_events("taken", 0, 2);
  group.events = persistence::rows_of(events);
  group.statuses.push_back({"taken", run_status::error, std::nullopt, "boom", 1700000300.0});
  CHECK_THROWS_AS(s->write(group), store_error);

  CHECK_FALSE(s->find_run("fresh-1"));
  CHECK(s->load_events("taken", 0, 10).empty());
  CHECK(s->find_run("taken")->status == run_status::pending);
  CHECK_FALSE(s->find_run("taken")->error);
  // The store still takes writes afterwards.
  group.runs.erase(group.runs.begin() + 1);
  CHECK(s->write(group) == std::vector<bool>{true});
  CHECK(s->find_run("fresh-1"));
  CHECK(s->load_events("taken", 0, 10).size() == 2);
  CHECK(s->find_run("taken")->error == std::optional<std::string>{"boom"});
}

void write_group_applies_a_runs_statuses_in_order(store_backend& backend) {
  // A run's RUNNING and its end may be in one group (a fast run); each change applies in
  // turn, and a change without content or error keeps what an earlier one wrote.
  auto s = backend.open();
  for (auto id : {"a", "b", "c"})
    s->create_run(sample_run(id));
  write_group group;
  const std::string tricky = "say \"hi\", \\ {x} NULL";
  group.statuses.push_back({"a", run_status::running, tricky, std::nullopt, 1700000400.0});
  group.statuses.push_back({"b", run_status::running, std::nullopt, std::nullopt, 1700000401.0});
  group.statuses.push_back({"a", run_status::completed, std::nullopt, std::nullopt, 1700000402.0});
  group.statuses.push_back({"nobody", run_status::error, std::nullopt, "x", 1700000403.0});
  group.statuses.push_back({"b", run_status::error, std::nullopt, "NULL", 1700000404.0});
  group.statuses.push_back({"a", run_status::error, std::nullopt, "late", 1700000405.0});
  CHECK(s->write(group) == std::vector<bool>{true, true, true, false, true, true});
  auto a = s->find_run("a");
  REQUIRE(a);
  CHECK(a->status == run_status::error);
  CHECK(a->content == std::optional<std::string>{tricky});
  CHECK(a->error == std::optional<std::string>{"late"});
  CHECK(a->updated_at == 1700000405.0);
  auto b = s->find_run("b");
  REQUIRE(b);
  CHECK(b->status == run_status::error);
  CHECK(b->error == std::optional<std::string>{"NULL"}); // the text, not SQL's NULL
  CHECK_FALSE(b->content);
  CHECK(s->find_run("c")->status == run_status::pending);
}

} // namespace runcast::test::store_suite
