#include "runnables/command_config.hpp"

#include <catch2/catch.hpp>

using runcast::runnables::command_config;
using nlohmann::json;

TEST_CASE("a command spec is read with its defaults") {
  auto c = command_config::from_spec({{"command", {{"argv", {"cat"}}}}});
  CHECK(c.argv == std::vector<std::string>{"cat"});
  CHECK_FALSE(c.message_as_argument);
  CHECK(c.cwd.empty());
  CHECK(c.env == std::vector<std::string>{"PATH", "HOME", "LANG", "LC_ALL", "TZ"});
  CHECK(c.timeout == std::chrono::milliseconds{300'000});
  CHECK(c.kill_grace == std::chrono::milliseconds{2'000});
  CHECK(c.max_output_bytes == 1'048'576);

  auto full = command_config::from_spec(
    {{"command",
      {{"argv", {"grep", "{message}"}}, {"input", "argument"}, {"cwd", "/tmp"},
       {"env", {"PATH"}}, {"timeout_ms", 5}, {"kill_grace_ms", 0}, {"max_output_bytes", 7}}}});
  CHECK(full.message_as_argument);
  CHECK(full.cwd == "/tmp");
  CHECK(full.env == std::vector<std::string>{"PATH"});
  CHECK(full.timeout == std::chrono::milliseconds{5});
  CHECK(full.kill_grace == std::chrono::milliseconds{0});
  CHECK(full.max_output_bytes == 7);
}

TEST_CASE("{message} is substituted inside argv elements in argument mode only") {
  auto c = command_config::from_spec(
    {{"command", {{"argv", {"tool", "--q={message}!", "{message}{message}", "x"}},
                  {"input", "argument"}}}});
  CHECK(c.argv_for("hi there") ==
        std::vector<std::string>{"tool", "--q=hi there!", "hi therehi there", "x"});
  // A message holding the placeholder is not expanded again.
  CHECK(c.argv_for("{message}")[1] == "--q={message}!");
  auto stdin_mode = command_config::from_spec({{"command", {{"argv", {"cat", "{message}"}}}}});
  CHECK(stdin_mode.argv_for("hi") == std::vector<std::string>{"cat", "{message}"});
}

TEST_CASE("a malformed command spec is refused with what is wrong") {
  auto refuses = [](const json& command, const std::string& says) {
    INFO(command.dump());
    try {
      command_config::from_spec({{"command", command}});
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string{e.what()}.find(says) != std::string::npos);
    }
  };
  refuses(json::object(), "argv");
  refuses({{"argv", json::array()}}, "argv");
  refuses({{"argv", {1}}}, "argv");
  refuses({{"argv", {""}}}, "argv[0]");
  refuses({{"argv", {"{message}"}}, {"input", "argument"}}, "argv[0]");
  refuses({{"argv", {"cat"}}, {"input", "file"}}, "input");
  refuses({{"argv", {"cat"}}, {"env", {"A=B"}}}, "env");
  refuses({{"argv", {"cat"}}, {"timeout_ms", 0}}, "timeout_ms");
  refuses({{"argv", {"cat"}}, {"max_output_bytes", "big"}}, "max_output_bytes");
  refuses({{"argv", {"cat"}}, {"argvv", {"x"}}}, "argvv");
  CHECK_THROWS_AS(command_config::from_spec(json::object()), std::invalid_argument);
}
