#include "core/config_file.hpp"
#include "tests/support/source_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace runcast;

namespace {

/// What the binary registered, as the tests pretend it: the runnables the schema knows.
const std::set<std::string> runnables{"echo", "openai", "command", "team", "workflow"};

/// Every problem of `text`, as "PATH: MESSAGE" lines.
std::vector<std::string> errors_of(const std::string& text,
                                   const std::set<std::string>& names = runnables) {
  std::vector<std::string> out;
  auto file = config_file::parse(text, names); // kept: errors() refers into it
  for (const auto& e : file.errors())
    out.push_back(e.to_string());
  return out;
}

using lines = std::vector<std::string>;

const char* model = R"("model":{"base_url":"https://api.example.com/v1","model":"m"})";

} // namespace

TEST_CASE("a full valid file gives every component with its defaults filled in") {
  auto text = std::string{R"({"server":{"port":1},"agents":[
      {"id":"echo","runnable":"echo","params":{"delay_ms":5}},
      {"id":"writer","name":"Writer",)"} + model + R"(,"tools":[{"name":"t","command":["/bin/x"]}]},
      {"id":"wc","command":{"argv":["/usr/bin/wc","{message}"],"input":"argument"}}],
    "teams":[{"id":"t1","members":["echo","wc"]}],
    "workflows":[{"id":"w","steps":[{"name":"s","agent":"echo"}]}]})";
  auto file = config_file::parse(text, runnables);
  REQUIRE(file.errors().empty());
  REQUIRE(file.components().size() == 5);
  CHECK(file.summary() == "3 agents, 1 team, 1 workflow");
  const auto& echo = file.components()[0];
  CHECK(echo.kind == "agents");
  CHECK(echo.name == "echo"); // name defaults to the id
  CHECK(echo.params == nlohmann::json{{"delay_ms", 5}});
  CHECK(echo.spec == nlohmann::json::object());
  const auto& writer = file.components()[1];
  CHECK(writer.runnable == "openai"); // implied by "model"
  CHECK(writer.spec["model"]["history_runs"] == 3);
  CHECK(writer.spec["model"]["max_tool_rounds"] == 4);
  CHECK(writer.spec["model"]["connect_timeout_ms"] == 10000);
  CHECK(writer.spec["model"]["first_token_timeout_ms"] == 60000);
  CHECK(writer.spec["model"]["idle_timeout_ms"] == 60000);
  CHECK(writer.spec["model"]["max_retries"] == 3);
  CHECK(writer.spec["model"]["retry_backoff_ms"] == 500);
  CHECK(writer.spec["tools"][0]["timeout_ms"] == 30000);
  CHECK(writer.spec["tools"][0]["parameters"]
        == nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}});
  const auto& wc = file.components()[2];
  CHECK(wc.runnable == "command"); // implied by "command"
  CHECK(wc.spec["command"]["timeout_ms"] == 300000);
  CHECK(wc.spec["command"]["kill_grace_ms"] == 2000);
  CHECK(wc.spec["command"]["max_output_bytes"] == 1048576);
  CHECK(wc.spec["command"]["env"] == nlohmann::json::array());
  const auto& team = file.components()[3];
  CHECK(team.runnable == "team");
  CHECK(team.spec == nlohmann::json{{"mode", "sequential"},
                                    {"members", {"echo", "wc"}},
                                    {"on_member_error", "fail"}});
  const auto& flow = file.components()[4];
  CHECK(flow.runnable == "workflow");
  CHECK(flow.spec["steps"][0]["agent"] == "echo");
}

TEST_CASE("examples/runcast.json loads") {
  const auto root = runcast::test::source_dir();
  auto file = config_file::load(root + "/examples/runcast.json", runnables);
  for (const auto& e : file.errors())
    FAIL(e.to_string());
  CHECK(file.summary() == "3 agents, 2 teams, 2 workflows");
}

TEST_CASE("invalid JSON is the parser's message with line and column") {
  auto errors = errors_of("{\n  \"agents\": [,]\n}");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("/: invalid JSON: parse error at line 2, column 14"));
  CHECK(errors_of("[]") == lines{"/: must be an object"});
}

TEST_CASE("a file that cannot be read is one error") {
  auto file = config_file::load("/nonexistent/runcast.json", runnables);
  CHECK(file.errors().size() == 1);
  CHECK(file.errors()[0].to_string() == "/: cannot open: No such file or directory");
}

TEST_CASE("unknown keys anywhere are errors") {
  auto text = std::string{R"({"agentz":[],"agents":[{"id":"a","runnable":"echo","colour":1},
      {"id":"b","model":{"base_url":"http://h/v1","model":"m","modle":"x"}}]})"};
  CHECK(errors_of(text) == lines{"/: unknown key \"agentz\"",
                                 "/agents/0: unknown key \"colour\"",
                                 "/agents/1/model: unknown key \"modle\""});
}

TEST_CASE("wrong types are errors naming the expected type") {
  CHECK(errors_of(R"({"agents":{}})") == lines{"/agents: must be an array"});
  CHECK(errors_of(R"({"agents":[{"id":"a","runnable":"echo","name":3,"params":[]}]})")
        == lines{"/agents/0/name: must be a string", "/agents/0/params: must be an object"});
  CHECK(errors_of(R"({"agents":[{"id":"a","command":{"argv":["x",2]}}]})")
        == lines{"/agents/0/command/argv/1: must be a non-empty string"});
}

TEST_CASE("numbers out of range are errors naming the range") {
  auto text = std::string{R"({"agents":[{"id":"a","model":{"base_url":"http://h/v1",
      "model":"m","temperature":2.5,"history_runs":51,"max_retries":1.5}},
      {"id":"e","runnable":"echo","params":{"delay_ms":-1}}]})"};
  CHECK(errors_of(text)
        == lines{"/agents/0/model/temperature: must be a number between 0 and 2",
                 "/agents/0/model/history_runs: must be an integer between 0 and 50",
                 "/agents/0/model/max_retries: must be an integer between 0 and 10",
                 "/agents/1/params/delay_ms: must be an integer between 0 and 60000"});
}

TEST_CASE("missing required keys are errors") {
  CHECK(errors_of(R"({"agents":[{"runnable":"echo"},{"id":"o","runnable":"openai"},
      {"id":"m","model":{"model":"x"}},{"id":"c","runnable":"command"}]})")
        == lines{"/agents/0: missing required key \"id\"",
                 "/agents/1: missing required key \"model\"",
                 "/agents/2/model: missing required key \"base_url\"",
                 "/agents/3: missing required key \"command\""});
  CHECK(errors_of(R"({"teams":[{"id":"t"}]})") == lines{"/teams/0: missing required key "
                                                          "\"members\""});
}

TEST_CASE("invalid ids are errors") {
  CHECK(errors_of(R"({"agents":[{"id":"bad id","runnable":"echo"}]})")
        == lines{"/agents/0/id: invalid id \"bad id\" (1 to 128 of A-Z a-z 0-9 . _ : -)"});
}

TEST_CASE("duplicate ids within a kind are errors and across kinds are not") {
  CHECK(errors_of(R"({"agents":[{"id":"a","runnable":"echo"},{"id":"a","runnable":"echo"}],
      "workflows":[{"id":"a","steps":[{"name":"s","agent":"a"}]}]})")
        == lines{"/agents/1/id: duplicate agent id \"a\""});
}

TEST_CASE("an unknown runnable is an error listing the known ones") {
  CHECK(errors_of(R"({"agents":[{"id":"a","runnable":"robot"},{"id":"b","runnable":"team"}]})")
        == lines{"/agents/0/runnable: unknown runnable \"robot\" (known: \"command\", "
                 "\"echo\", \"openai\")",
                 "/agents/1/runnable: unknown runnable \"team\" (known: \"command\", "
                 "\"echo\", \"openai\")"});
  // A runnable implied by "model" must be registered too.
  CHECK(errors_of(std::string{R"({"agents":[{"id":"a",)"} + model + "}]}", {"echo"})
        == lines{"/agents/0: unknown runnable \"openai\" (known: \"echo\")"});
}

TEST_CASE("an agent without runnable model or command is an error") {
  CHECK(errors_of(R"({"agents":[{"id":"a"}]})") == lines{"/agents/0: runnable is required"});
}

TEST_CASE("sections for another runnable are errors") {
  CHECK(errors_of(std::string{R"({"agents":[{"id":"a","runnable":"echo",)"} + model
                  + R"(,"tools":[],"command":{"argv":["x"]}}]})")
        == lines{"/agents/0/model: only for runnable \"openai\"",
                 "/agents/0/tools: only for agents with a \"model\"",
                 "/agents/0/command: only for runnable \"command\""});
}

TEST_CASE("a team member that is not an agent is an error") {
  CHECK(errors_of(R"({"agents":[{"id":"writer","runnable":"echo"}],"teams":[
      {"id":"t","members":["writer","wrtier","writer"],"mode":"both"}]})")
        == lines{"/teams/0/mode: must be one of \"sequential\", \"parallel\"",
                 "/teams/0/members/1: no agent \"wrtier\"",
                 "/teams/0/members/2: duplicate member \"writer\""});
}

TEST_CASE("URLs that are not http or https are errors and credentials in them too") {
  auto with_url = [](const std::string& url) {
    return errors_of(R"({"agents":[{"id":"a","model":{"model":"m","base_url":")" + url
                     + "\"}}]}");
  };
  CHECK(with_url("ftp://h/v1") == lines{"/agents/0/model/base_url: must be an http:// or "
                                        "https:// URL"});
  CHECK(with_url("http://h:99999/v1")
        == lines{"/agents/0/model/base_url: must be an http:// or https:// URL (host, "
                 "optional port, no query)"});
  CHECK(with_url("https://user:pw@h/v1")
        == lines{"/agents/0/model/base_url: must not contain credentials (user@host): name "
                 "an environment variable in \"api_key_env\""});
  CHECK(with_url("http://[::1]:8000/v1").empty());
}

TEST_CASE("input argument without a {message} argument is an error") {
  CHECK(errors_of(R"({"agents":[{"id":"a","command":{"argv":["/bin/x"],"input":"argument"}}]})")
        == lines{"/agents/0/command/argv: \"input\": \"argument\" needs \"{message}\" in an "
                 "argument"});
}

TEST_CASE("inline secrets are errors that never repeat the secret") {
  auto errors = errors_of(R"({"agents":[{"id":"a","model":{"base_url":"http://h/v1",
      "model":"m","api_key":"sk-SECRET","api_key_env":"bad name"}}]})");
  CHECK(errors == lines{"/agents/0/model: \"api_key\" is not allowed inline (secrets stay out "
                        "of config files): name an environment variable in \"api_key_env\"",
                        "/agents/0/model/api_key_env: must name an environment variable "
                        "([A-Za-z_][A-Za-z0-9_]*)"});
  for (const auto& e : errors)
    CHECK(e.find("SECRET") == std::string::npos);
}

TEST_CASE("tool names are checked and unique per agent") {
  CHECK(errors_of(std::string{R"({"agents":[{"id":"a",)"} + model + R"(,"tools":[
      {"name":"look up","command":["x"]},{"name":"t","command":[]},
      {"name":"t","command":["y"],"env":["OK","1BAD"]}]}]})")
        == lines{"/agents/0/tools/0/name: must be 1 to 64 of A-Z a-z 0-9 _ -",
                 "/agents/0/tools/1/command: must not be empty",
                 "/agents/0/tools/2/name: duplicate tool name \"t\"",
                 "/agents/0/tools/2/env/1: must name an environment variable "
                 "([A-Za-z_][A-Za-z0-9_]*)"});
}

TEST_CASE("a key given twice in one object is an error") {
  CHECK(errors_of(R"({"agents":[{"id":"a","runnable":"echo"},
      {"id":"b","command":{"argv":["x"],"timeout_ms":1000,"timeout_ms":9000}}],"agents":[]})")
        == lines{"/agents/1/command: duplicate key \"timeout_ms\"",
                 "/: duplicate key \"agents\""});
}

TEST_CASE("all errors are collected in document order") {
  auto errors = errors_of(R"({"workflows":[{"id":"w","steps":[{"name":"s","team":"nope"}]}],
      "agents":[{"id":"x y","runnable":"echo"},{"id":"b","runnable":"echo","z":1}]})");
  CHECK(errors == lines{"/workflows/0/steps/0/team: no team \"nope\"",
                        "/agents/0/id: invalid id \"x y\" (1 to 128 of A-Z a-z 0-9 . _ : -)",
                        "/agents/1: unknown key \"z\""});
  CHECK(config_file::parse(R"({"agents":[{"id":"x y"}]})", runnables).components().empty());
}
