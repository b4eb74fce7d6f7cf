#include "app/cli.hpp"

#include "core/limit_options.hpp"

#include <catch2/catch.hpp>

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
