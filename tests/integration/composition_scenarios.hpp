#pragma once

// What a team's or workflow's run must do over HTTP, wherever the client is: stream, be
// dropped mid-run and resumed (possibly on another node), be replayed from the store byte for
// byte, and leave its members' or steps' runs pollable. compositions_test runs these on one
// node, cluster_runnables_test across nodes. They need runcast_test_server.

#include "tests/integration/run_helpers.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace runcast::test {

/// One run of a team or workflow of the test server and what its stream must show.
struct composition_case {
  std::string component;             ///< "kind/id"
  std::string message;
  std::string status;                ///< its final status
  std::string last_event;            ///< its final event
  std::vector<std::string> in_order; ///< events that appear in this order (others between)
  std::vector<std::string> absent;   ///< events that must not appear
  int child_runs;                    ///< members or steps started (their RunStarted events)
};

/// Starts the case's run on `start_port` (background, streamed, 30 ms between words), reads
/// a few frames and drops the connection; on `port`: resumes after the last one read and
/// reads to the end, waits for the final status, checks that a full replay has every frame
/// with the same bytes and the case's events, and that each member's or step's run can be
/// polled with its parent.
void check_composition(const composition_case& c, uint16_t start_port, uint16_t port);

/// The `event` names of a run's frames, by index.
std::vector<std::string> event_names(const std::map<int64_t, std::string>& events);

} // namespace runcast::test
