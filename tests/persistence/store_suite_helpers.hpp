#pragma once

// Sample data and small checks shared by the store suite's files (store_suite*.cpp).

#include "tests/persistence/store_suite.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace runcast::test::store_suite {

using persistence::run_filter;
using persistence::run_record;
using persistence::session_filter;
using persistence::session_page;
using persistence::session_record;
using persistence::store_error;

namespace detail {

inline run_record sample_run(const std::string& run_id, double created_at = 1700000000.125) {
  run_record run;
  run.run_id = run_id;
  run.session_id = "session-1";
  run.user_id = "user-1";
  run.kind = "agents";
  run.component_id = "echo";
  run.owner_node = "node-a";
  run.input = "hello";
  run.params_json = R"({"stream":true})";
  run.created_at = created_at;
  run.updated_at = created_at;
  return run;
}

inline std::string event_data(const std::string& run_id, int64_t index) {
  // Quotes, non-ASCII text and a newline escape: data must come back byte for byte.
  return R"({"event":"RunContent","run_id":")" + run_id + R"(","index":)"
         + std::to_string(index) + R"(,"content":"héllo \"wörld\"\n"})";
}

inline stored_event sample_event(const std::string& run_id, int64_t index) {
  stored_event event;
  event.run_id = run_id;
  event.index = index;
  event.type = index == 0 ? event_types::run_started : event_types::run_content;
  event.data = event_data(run_id, index);
  event.created_at = 1700000000.5 + static_cast<double>(index) / 1024;
  return event;
}

inline std::vector<stored_event> sample_events(const std::string& run_id, int64_t first,
                                        int64_t count) {
  std::vector<stored_event> events;
  for (int64_t i = first; i < first + count; ++i)
    events.push_back(sample_event(run_id, i));
  return events;
}

inline void check_same_run(const run_record& actual, const run_record& expected) {
  CHECK(actual.run_id == expected.run_id);
  CHECK(actual.parent_run_id == expected.parent_run_id);
  CHECK(actual.session_id == expected.session_id);
  CHECK(actual.user_id == expected.user_id);
  CHECK(actual.kind == expected.kind);
  CHECK(actual.component_id == expected.component_id);
  CHECK(actual.owner_node == expected.owner_node);
  CHECK(actual.input == expected.input);
  CHECK(actual.params_json == expected.params_json);
  CHECK(actual.status == expected.status);
  CHECK(actual.content == expected.content);
  CHECK(actual.error == expected.error);
  CHECK(actual.created_at == expected.created_at);
  CHECK(actual.updated_at == expected.updated_at);
}

inline void check_same_event(const stored_event& actual, const stored_event& expected) {
  CHECK(actual.run_id == expected.run_id);
  CHECK(actual.index == expected.index);
  CHECK(actual.type == expected.type);
  CHECK(actual.data == expected.data);
  CHECK(actual.created_at == expected.created_at);
}

inline std::vector<std::string> ids_of(const std::vector<run_record>& runs) {
  std::vector<std::string> ids;
  for (const auto& run : runs)
    ids.push_back(run.run_id);
  return ids;
}

inline std::vector<std::string> ids_of(const session_page& page) {
  std::vector<std::string> ids;
  for (const auto& session : page.sessions)
    ids.push_back(session.session_id);
  return ids;
}

/// Adds a run with the given session fields and returns it.
inline run_record add_session_run(persistence::store& s, const std::string& run_id,
                           const std::string& session_id, double created_at,
                           const std::string& kind = "agents",
                           const std::string& component_id = "echo",
                           const std::string& user_id = "user-1") {
  auto run = sample_run(run_id, created_at);
  run.session_id = session_id;
  run.kind = kind;
  run.component_id = component_id;
  run.user_id = user_id;
  s.create_run(run);
  return run;
}

inline std::vector<int64_t> indices_of(const std::vector<stored_event>& events) {
  std::vector<int64_t> indices;
  for (const auto& event : events)
    indices.push_back(event.index);
  return indices;
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

} // namespace detail

} // namespace runcast::test::store_suite
