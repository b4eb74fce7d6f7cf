// The openai runnable as users run it: an agent of a config file, pointed at a fake
// OpenAI-compatible server (tests/support/fake_openai.py, real HTTP on loopback), driven
// through runcast's HTTP API. Its tool is a real command run on the node's process slots, and
// the second run of a session sends the first as conversation history.

#include "tests/integration/run_helpers.hpp"
#include "tests/support/fake_openai_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

using namespace runcast::test;
using nlohmann::json;

namespace {

/// A config file with one openai agent ("writer") on the fake and a tool that upper-cases
/// its JSON arguments (tr reads them on stdin; its stdout is the result).
std::string write_config(const temp_dir& dir, uint16_t fake_port) {
  json config = {
    {"agents",
     {{{"id", "writer"},
       {"name", "Writer"},
       {"model",
        {{"base_url", "http://127.0.0.1:" + std::to_string(fake_port) + "/v1"},
         {"model", "fake-model"},
         {"system", "Be brief."},
         {"history_runs", 3}}},
       {"tools",
        {{{"name", "shout"},
          {"description", "Upper-cases its arguments."},
          {"parameters", {{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}}},
          {"command", {"/usr/bin/tr", "a-z", "A-Z"}},
          {"timeout_ms", 5000}}}}}}}};
  auto path = dir.file("runcast.json").string();
  std::ofstream{path} << config.dump(2);
  return path;
}

json event_of(const sse_frame& f) {
  return f.json();
}

} // namespace

TEST_CASE("an openai agent of a config file calls its tool command and keeps session history") {
  // Run 1: the model asks for the tool, then answers with its result; run 2 (same session):
  // a plain answer.
  json ask = {{"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", "call_1"},
                                                      {"name", "shout"},
                                                      {"arguments", R"({"text":"hi"})"}}}},
                                      {{"finish", "tool_calls"}}})}};
  json answer = {{"chunks", json::array({{{"content", "Done"}}, {{"content", "."}},
                                         {{"finish", "stop"}},
                                         {{"usage", {{"prompt_tokens", 12},
                                                     {"completion_tokens", 2},
                                                     {"total_tokens", 14}}}}})}};
  json again = {{"chunks", json::array({{{"content", "Again"}}, {{"finish", "stop"}}})}};
  fake_openai_process fake{json::array({ask, answer, again})};
  temp_dir config_dir{"openai-config"};
  server_fixture fx{{"--config", write_config(config_dir, fake.port())}};

  auto first = read_to_end(*start_stream(fx.port(), {{"message", "say hi"}}, "agents/writer"));
  REQUIRE(first.size() == 6);
  std::vector<std::string> names;
  for (const auto& f : first)
    names.push_back(event_of(f)["event"].get<std::string>());
  CHECK(names == std::vector<std::string>{"RunStarted", "ToolCallStarted", "ToolCallCompleted",
                                          "RunContent", "RunContent", "RunCompleted"});
  CHECK(event_of(first[1])["tool_name"] == "shout");
  CHECK(event_of(first[1])["arguments"] == R"({"text":"hi"})");
  CHECK(event_of(first[2])["result"] == R"({"TEXT":"HI"})");
  auto completed = event_of(first[5]);
  CHECK(completed["content"] == "Done.");
  CHECK(completed["metrics"]["total_tokens"] == 14);
  auto run_id = completed["run_id"].get<std::string>();
  auto session_id = completed["session_id"].get<std::string>();

  // The command's stdout went back to the model as the tool's answer.
  auto requests = fake.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0]["body"]["tools"][0]["function"]["name"] == "shout");
  CHECK(requests[1]["body"]["messages"].back()
        == json({{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", R"({"TEXT":"HI"})"}}));

  // The run is stored like any other: a replay has the same bytes.
  auto replay = events_by_index(read_to_end(*resume(fx.port(), run_id, session_id, -1,
                                                    "agents/writer")));
  REQUIRE(replay.size() == first.size());
  for (const auto& f : first)
    CHECK(replay.at(std::stoll(*f.id)) == f.data);

  // A second run of the session: the first one reaches the model as history.
  auto second = read_to_end(*start_stream(fx.port(), {{"message", "again?"},
                                                      {"session_id", session_id}},
                                          "agents/writer"));
  REQUIRE_FALSE(second.empty());
  CHECK(event_of(second.back())["content"] == "Again");
  requests = fake.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[2]["body"]["messages"] == json::parse(R"([
    {"role":"system","content":"Be brief."},
    {"role":"user","content":"say hi"},{"role":"assistant","content":"Done."},
    {"role":"user","content":"again?"}])"));
}
