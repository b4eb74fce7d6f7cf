// The store contract for the runs of teams' members and workflows' steps: recorded with their
// parent, listed with it, left out of a session's top-level runs (a model's history).

#include "tests/persistence/store_suite.hpp"

#include "tests/persistence/store_suite_helpers.hpp"

#include <string>
#include <vector>

namespace runcast::test::store_suite {

using namespace detail;

void child_runs_keep_their_parent(store_backend& backend) {
  auto s = backend.open();
  auto team = sample_run("team-1");
  team.kind = "teams";
  team.component_id = "echo-team";
  s->create_run(team);
  auto member = sample_run("team-1.m0", team.created_at + 1);
  member.parent_run_id = "team-1";
  s->create_run(member);
  auto later = sample_run("run-2", team.created_at + 2);
  s->create_run(later);

  auto found = s->find_run("team-1.m0");
  REQUIRE(found);
  check_same_run(*found, member);
  CHECK(s->find_run("team-1")->parent_run_id.empty());

  auto ids = [](const std::vector<run_record>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs)
      out.push_back(r.run_id);
    return out;
  };
  run_filter all;
  all.session_id = "session-1";
  CHECK(ids(s->list_runs(all)) == std::vector<std::string>{"run-2", "team-1.m0", "team-1"});
  run_filter top = all;
  top.top_level_only = true;
  CHECK(ids(s->list_runs(top)) == std::vector<std::string>{"run-2", "team-1"});
  // With the other filters and paging too.
  top.kind = "agents";
  top.limit = 1;
  CHECK(ids(s->list_runs(top)) == std::vector<std::string>{"run-2"});
  top.offset = 1;
  CHECK(s->list_runs(top).empty());

  // A member counts as a run of its session, and goes with it.
  CHECK(s->find_session("session-1")->run_count == 3);
  CHECK(s->delete_session("session-1"));
  CHECK_FALSE(s->find_run("team-1.m0"));
}

} // namespace runcast::test::store_suite
