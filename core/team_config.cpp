#include "core/team_config.hpp"

#include "core/component_config.hpp"

#include <set>

namespace runcast {

component check_team(const config_json& team, const std::string& path,
                     const config_names& names, config_checker& check) {
  if (!check.object(team, path))
    return {};
  check.known_keys(team, path,
                   {"id", "name", "description", "mode", "members", "on_member_error"});
  auto c = check_component_header(team, path, "teams", check);
  c.runnable = "team";
  auto mode = check.choice(team, path, "mode", {"sequential", "parallel"});
  check.required(team, path, "members");
  auto members = check.strings(team, path, "members", true);
  if (members) {
    // A member's id tags its events (member_id), so one agent appears once per team.
    std::set<std::string> seen;
    for (size_t i = 0; i < members->size(); ++i) {
      const auto& id = (*members)[i];
      auto at = pointer(pointer(path, "members"), i);
      if (names.agents.count(id) == 0)
        check.fail(at, "no agent " + json_string(id));
      else if (!seen.insert(id).second)
        check.fail(at, "duplicate member " + json_string(id));
    }
  }
  auto on_error = check.choice(team, path, "on_member_error", {"fail", "continue"});
  c.spec = {{"mode", mode.value_or("sequential")},
            {"members", members.value_or(std::vector<std::string>{})},
            {"on_member_error", on_error.value_or("fail")}};
  return c;
}

} // namespace runcast
