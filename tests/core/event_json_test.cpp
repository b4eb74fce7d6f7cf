#include "core/event_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace runcast;

namespace {

event_context agent_ctx() {
  return {"r1", "s1", "agents", "echo", "Echo Agent"};
}

} // namespace

TEST_CASE("event data lists the reference fields in order, event_index last") {
  auto data = encode_event_data(agent_ctx(), {"RunContent", std::string{"hi"}}, 3, 1700000000);
  CHECK(data
        == R"({"created_at":1700000000,"event":"RunContent","agent_id":"echo",)"
           R"("agent_name":"Echo Agent","run_id":"r1","session_id":"s1","content":"hi",)"
           R"("event_index":3})");
}

TEST_CASE("absent content is omitted, not null") {
  auto data = encode_event_data(agent_ctx(), {"RunStarted", std::nullopt}, 0, 1);
  CHECK(data.find("content") == std::string::npos);
  CHECK(nlohmann::json::parse(data)["event_index"] == 0);
}

TEST_CASE("teams and workflows name their component with their own prefix") {
  event_context ctx{"r", "s", "teams", "t1", "Team"};
  auto j = nlohmann::json::parse(encode_event_data(ctx, {"TeamRunStarted", {}}, 0, 1));
  CHECK(j["team_id"] == "t1");
  CHECK_FALSE(j.contains("agent_id"));
  CHECK(singular_kind("workflows") == "workflow");
}

TEST_CASE("data stays on one line even when content has newlines and bad UTF-8") {
  auto data = encode_event_data(agent_ctx(), {"RunContent", std::string{"a\nb\xff"}}, 1, 1);
  CHECK(data.find('\n') == std::string::npos);
  CHECK_NOTHROW(nlohmann::json::parse(data));
}

TEST_CASE("a draft's own fields come after session_id and never replace the event's") {
  event_draft ev{"RunContent", std::string{"hi"}, {}};
  ev.fields["member_id"] = "m1";
  ev.fields["member_run_id"] = "r1.0";
  ev.fields["run_id"] = "forged";
  ev.fields["event_index"] = 99;
  auto data = encode_event_data(agent_ctx(), ev, 3, 1);
  CHECK(data
        == R"({"created_at":1,"event":"RunContent","agent_id":"echo","agent_name":"Echo Agent",)"
           R"("run_id":"r1","session_id":"s1","member_id":"m1","member_run_id":"r1.0",)"
           R"("content":"hi","event_index":3})");
}
