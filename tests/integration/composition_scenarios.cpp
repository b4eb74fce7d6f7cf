#include "tests/integration/composition_scenarios.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace runcast::test {

using nlohmann::json;

std::vector<std::string> event_names(const std::map<int64_t, std::string>& events) {
  std::vector<std::string> names;
  for (const auto& [index, data] : events)
    names.push_back(json::parse(data)["event"].get<std::string>());
  return names;
}

namespace {

/// The events of a run as the store has them after its end: index → data.
using stored_run = std::map<int64_t, std::string>;

/// check_composition's first half: the run started on `start_port`, dropped, resumed,
/// polled and replayed on `port`. Returns the replay and the run's session.
std::pair<stored_run, std::string> run_dropped_and_replayed(const composition_case& c,
                                                           uint16_t start_port, uint16_t port) {
  auto first = start_stream(start_port, {{"message", c.message}, {"delay_ms", "30"},
                                         {"background", "true"}},
                            c.component);
  REQUIRE(first->status() == 200);
  auto head = read_frames(*first, 4);
  first->close(); // the client drops mid-run; the run goes on
  auto run_id = head[0].json()["run_id"].get<std::string>();
  auto session_id = head[0].json()["session_id"].get<std::string>();
  auto rest = events_by_index(read_to_end(*resume(port, run_id, session_id, 3, c.component)));
  REQUIRE_FALSE(rest.empty());
  CHECK(rest.begin()->first == 4);
  CHECK(rest.rbegin()->first == 4 + static_cast<int64_t>(rest.size()) - 1); // dense
  auto polled = poll_until(port, run_id, session_id, c.status, std::chrono::seconds{30},
                           c.component);
  auto stored = events_by_index(read_to_end(*resume(port, run_id, session_id, -1,
                                                    c.component)));
  REQUIRE(stored.size() == head.size() + rest.size());
  for (const auto& f : head)
    CHECK(stored.at(std::stoll(*f.id)) == f.data);
  for (const auto& [index, data] : rest)
    CHECK(stored.at(index) == data);
  CHECK(polled["run_id"] == run_id);
  return {stored, session_id};
}

/// True if `wanted` appear in `names` in that order, other names between them allowed.
bool in_order(const std::vector<std::string>& names, const std::vector<std::string>& wanted) {
  auto at = names.begin();
  for (const auto& w : wanted) {
    at = std::find(at, names.end(), w);
    if (at == names.end())
      return false;
    ++at;
  }
  return true;
}

/// The members' or steps' run ids the stream names, each once, in order of appearance.
std::vector<std::string> child_run_ids(const stored_run& run) {
  std::vector<std::string> ids;
  for (const auto& [index, data] : run) {
    auto ev = json::parse(data);
    for (const char* key : {"member_run_id", "step_run_id"})
      if (ev.contains(key) && std::find(ids.begin(), ids.end(), ev[key]) == ids.end())
        ids.push_back(ev[key].get<std::string>());
  }
  return ids;
}

} // namespace

void check_composition(const composition_case& c, uint16_t start_port, uint16_t port) {
  INFO(c.component << " with message \"" << c.message << "\"");
  auto [stored, session_id] = run_dropped_and_replayed(c, start_port, port);
  auto names = event_names(stored);
  CAPTURE(names);
  CHECK(names.back() == c.last_event);
  CHECK(in_order(names, c.in_order));
  for (const auto& a : c.absent)
    CHECK(std::count(names.begin(), names.end(), a) == 0);
  CHECK(std::count(names.begin(), names.end(), "RunStarted") == c.child_runs);
  // Every member or step is a run of its own in the store: pollable, with its parent.
  auto parent = json::parse(stored.begin()->second)["run_id"].get<std::string>();
  auto children = child_run_ids(stored);
  CHECK(static_cast<int>(children.size()) == c.child_runs);
  for (const auto& id : children) {
    auto run = request(port, "GET", "/agents/echo/runs/" + id + "?session_id=" + session_id);
    if (run.status == 404) // a step of another agent (the failing command)
      run = request(port, "GET",
                    "/agents/command-fail/runs/" + id + "?session_id=" + session_id);
    REQUIRE(run.status == 200);
    CHECK(run.json()["parent_run_id"] == parent);
    CHECK(run.json()["status"] != "RUNNING");
  }
}

} // namespace runcast::test
