#include "app/cli.hpp"

#include "app/config_invalid.hpp"
#include "core/limit_options.hpp"
#include "tests/app/config_test_file.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace runcast;
using namespace runcast::app;

TEST_CASE("serve takes every limit as an option within its range") {
  auto cmd = parse_command_line({"serve", "--window", "7", "--retention-ms", "1500",
                                 "--step-batch", "3", "--peer-backoff-max-ms", "900"});
  REQUIRE(cmd.kind == command::serve);
  const auto& lim = cmd.serve_opts.lim;
  CHECK(lim.subscriber_window == 7);
  CHECK(lim.retention == std::chrono::milliseconds{1500});
  CHECK(lim.step_batch == 3);
  CHECK(lim.peer_backoff_max == std::chrono::milliseconds{900});
  CHECK(lim.retain_events == limits{}.retain_events); // untouched options keep defaults
  CHECK_THROWS_WITH(parse_command_line({"serve", "--window", "0"}),
                    Catch::Contains("--window expects a number between 1 and"));
  CHECK_THROWS_WITH(parse_command_line({"serve", "--window", "x"}),
                    Catch::Contains("--window"));
  CHECK_THROWS_WITH(parse_command_line({"serve", "--no-such-limit", "1"}),
                    Catch::Contains("unknown option"));
}

TEST_CASE("--help lists every limit with the default limits{} has") {
  auto text = usage();
  const limits defaults;
  for (const auto& o : limit_options()) {
    INFO(o.flag);
    auto at = text.find(std::string{"--"} + o.flag + " N");
    REQUIRE(at != std::string::npos);
    auto line = text.substr(at, text.find('\n', at) - at);
    CHECK(line.find("(default " + std::to_string(value_of(o, defaults)) + ")")
          != std::string::npos);
  }
}

TEST_CASE("a limit option sets exactly its own member") {
  for (const auto& o : limit_options()) {
    INFO(o.flag);
    limits lim;
    auto before = value_of(o, lim);
    auto wanted = before == o.min ? o.max : o.min;
    set_value(o, lim, wanted);
    CHECK(value_of(o, lim) == wanted);
    size_t changed = 0;
    for (const auto& other : limit_options())
      if (value_of(other, lim) != value_of(other, limits{}))
        ++changed;
    CHECK(changed == 1);
  }
}

// -- config files ----------------------------------------------------------------------------

namespace {

const std::set<std::string> runnables{"echo", "team", "workflow"};

} // namespace

TEST_CASE("serve --config takes the file's settings and the flags override them") {
  ::unsetenv("RUNCAST_AUTH_KEY");
  test::config_test_file file{R"({"server":{"port":8123,"window":9,"node_id":"from-file"},
      "agents":[{"id":"slow","runnable":"echo","params":{"delay_ms":500}}]})"};
  auto cmd = parse_command_line({"serve", "--window", "3", "--config", file.path}, runnables);
  REQUIRE(cmd.kind == command::serve);
  CHECK(cmd.serve_opts.port == 8123);
  CHECK(cmd.serve_opts.node_id == "from-file");
  CHECK(cmd.serve_opts.lim.subscriber_window == 3); // the flag wins, wherever it stands
  REQUIRE(cmd.components.size() == 1);
  CHECK(cmd.components[0].params["delay_ms"] == 500);
}

TEST_CASE("serve secrets come from the file's env names then RUNCAST_ variables then flags") {
  ::unsetenv("RUNCAST_AUTH_KEY");
  ::setenv("RUNCAST_TEST_CLI_KEY", "from-env-name", 1);
  test::config_test_file file{R"({"server":{"auth_key_env":"RUNCAST_TEST_CLI_KEY"}})"};
  CHECK(parse_command_line({"serve", "--config", file.path}, runnables).serve_opts.auth_key
        == "from-env-name");
  ::setenv("RUNCAST_AUTH_KEY", "from-runcast-var", 1);
  CHECK(parse_command_line({"serve", "--config", file.path}, runnables).serve_opts.auth_key
        == "from-runcast-var");
  CHECK(parse_command_line({"serve", "--config", file.path, "--auth-key", "from-flag"},
                           runnables)
          .serve_opts.auth_key
        == "from-flag");
  ::unsetenv("RUNCAST_AUTH_KEY");
}

TEST_CASE("serve with a bad config file throws every problem prefixed with the file") {
  test::config_test_file file{R"({"server":{"prot":1},"teams":[{"id":"t","members":["x"]}]})"};
  try {
    parse_command_line({"serve", "--config", file.path}, runnables);
    FAIL("no config_invalid");
  } catch (const config_invalid& e) {
    CHECK(e.lines() == std::vector<std::string>{file.path + ": /server: unknown key \"prot\"",
                                                file.path + ": /teams/0/members/0: no agent "
                                                            "\"x\""});
  }
}

TEST_CASE("check-config gives a summary or every problem") {
  test::config_test_file good{R"({"agents":[{"id":"a","runnable":"echo"},
      {"id":"b","runnable":"echo"}],"teams":[{"id":"t","members":["a","b"]}]})"};
  auto ok = parse_command_line({"check-config", good.path}, runnables);
  CHECK(ok.kind == command::check_config);
  CHECK(ok.config_errors.empty());
  CHECK(ok.config_summary == good.path + ": ok (2 agents, 1 team, 0 workflows)");
  test::config_test_file bad{R"({"agents":[{"id":"a"}]})"};
  auto failed = parse_command_line({"check-config", bad.path}, runnables);
  CHECK(failed.config_errors
        == std::vector<std::string>{bad.path + ": /agents/0: runnable is required"});
  CHECK(failed.config_summary.empty());
  CHECK_THROWS_WITH(parse_command_line({"check-config"}, runnables),
                    Catch::Contains("usage: runcast check-config FILE"));
  CHECK(usage().find("runcast check-config FILE") != std::string::npos);
}
