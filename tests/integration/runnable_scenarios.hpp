#pragma once

// What every runnable shape must do over HTTP, wherever the client is: stream, resume in the
// middle of the run, be cancelled. The local tests run these on one node; the cluster tests
// start on one node and follow or cancel from another. They need runcast_test_server.

#include "tests/integration/run_helpers.hpp"

#include <cstdint>
#include <string>

namespace runcast::test {

/// A component of the test server and what its runs look like.
struct runnable_shape {
  std::string component;   ///< "kind/id", e.g. "agents/ticker"
  std::string started;     ///< the kind's started event
  std::string content;     ///< the content event
  std::string completed;   ///< the kind's completed event
  std::string cancelled;   ///< the kind's cancelled event
  std::string content_prefix; ///< each content starts with it ("tick ", "w", …)
};

/// echo (step function), ticker (async producer), counter (CAF actor). Teams and workflows
/// have event streams of their own shape.
const std::vector<runnable_shape>& test_shapes();

/// Starts a background+stream run of `events` contents on `start_port`, reads its first
/// frames, drops the connection, resumes on `resume_port` from the middle, and checks that
/// exactly the rest arrives once each, in order, ending with the completed event — and
/// that a full replay on `start_port` has the same bytes for every index.
void stream_resume_mid_run(const runnable_shape& shape, uint16_t start_port,
                           uint16_t resume_port, int events = 30);

/// Starts a long background run on `start_port`, cancels it through HTTP on `cancel_port`
/// (with its session), and checks it ends CANCELLED with the cancelled event last.
void cancel_through_http(const runnable_shape& shape, uint16_t start_port, uint16_t cancel_port);

} // namespace runcast::test
