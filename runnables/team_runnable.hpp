#pragma once

#include "actors/runnable.hpp"
#include "core/component.hpp"

#include <memory>
#include <string>
#include <vector>

namespace runcast::runnables {

class event_relay;

/// How a team runs its members and what it does when one fails (from the config file).
struct team_spec {
  bool parallel = false;           ///< every member at once, or one after another
  std::vector<std::string> members; ///< agent ids, in order
  bool continue_on_error = false;  ///< record a failed member and go on, or fail the team

  /// From a team component's `spec`; throws std::invalid_argument when malformed.
  static team_spec from(const component& c);
};

/// A team: its members are agents run as child runs of the team's run. `sequential`: each
/// member gets the previous member's output (the first gets the message); `parallel`: every
/// member gets the message and their events interleave. Members' events are forwarded into
/// the team's stream with `member_id` and `member_run_id`; the team completes with the last
/// output (sequential) or the members' outputs joined (parallel). A member's failure fails
/// the team unless `continue_on_error`, which records it and goes on.
class team_runnable : public actors::async_runnable {
public:
  explicit team_runnable(team_spec spec);

  void start(std::shared_ptr<actors::run_context> ctx) override;

private:
  struct state;

  /// Starts member `i` (sequential mode) or ends the team after the last one.
  static void run_member(std::shared_ptr<state> st, size_t i, std::string input);

  team_spec spec_;
};

} // namespace runcast::runnables
