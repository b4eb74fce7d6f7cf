#include "runnables/openai_request.hpp"

#include <catch2/catch.hpp>

using namespace runcast;
using namespace runcast::runnables;

namespace {

openai_config config(nlohmann::json model, nlohmann::json tools = nullptr) {
  component c{"agents", "a", "A", "", "openai", nlohmann::json::object()};
  c.spec = {{"model", std::move(model)}};
  if (!tools.is_null())
    c.spec["tools"] = std::move(tools);
  return openai_config::from_component(c);
}

} // namespace

TEST_CASE("openai_request builds system then recent history then the message") {
  auto cfg = config({{"base_url", "http://127.0.0.1:9/v1"},
                     {"model", "m1"},
                     {"system", "be brief"},
                     {"history_runs", 2},
                     {"temperature", 0.5},
                     {"max_tokens", 100}});
  std::vector<actors::past_run> history{{"q1", "a1"}, {"q2", "a2"}, {"q3", "a3"}};
  openai_request req{cfg, history, "now"};
  auto b = req.body();
  CHECK(b["model"] == "m1");
  CHECK(b["stream"] == true);
  CHECK(b["stream_options"]["include_usage"] == true);
  CHECK(b["temperature"] == 0.5);
  CHECK(b["max_tokens"] == 100);
  CHECK_FALSE(b.contains("tools"));
  auto expected = nlohmann::json::parse(R"([
    {"role":"system","content":"be brief"},
    {"role":"user","content":"q2"},{"role":"assistant","content":"a2"},
    {"role":"user","content":"q3"},{"role":"assistant","content":"a3"},
    {"role":"user","content":"now"}])");
  CHECK(b["messages"] == expected);
}

TEST_CASE("openai_request sends tools as functions and merges extra_body but not reserved keys") {
  auto cfg = config({{"base_url", "https://api.example.com/v1/"},
                     {"model", "m1"},
                     {"extra_body", {{"top_p", 0.9}, {"stream", false}, {"model", "other"}}}},
                    nlohmann::json::parse(R"([{"name":"weather","description":"the weather",
                      "parameters":{"type":"object","properties":{"city":{"type":"string"}}},
                      "command":["/bin/weather"]}])"));
  openai_request req{cfg, {}, "hi"};
  auto b = req.body();
  CHECK(b["top_p"] == 0.9);
  CHECK(b["stream"] == true);
  CHECK(b["model"] == "m1");
  CHECK_FALSE(b.contains("temperature"));
  REQUIRE(b["tools"].size() == 1);
  CHECK(b["tools"][0]["type"] == "function");
  CHECK(b["tools"][0]["function"]["name"] == "weather");
  CHECK(b["tools"][0]["function"]["description"] == "the weather");
  CHECK(b["tools"][0]["function"]["parameters"]["properties"]["city"]["type"] == "string");
  CHECK(b["messages"] == nlohmann::json::parse(R"([{"role":"user","content":"hi"}])"));
}

TEST_CASE("openai_request appends a tool round as assistant tool_calls then tool messages") {
  auto cfg = config({{"base_url", "http://localhost/v1"}, {"model", "m1"}});
  openai_request req{cfg, {}, "hi"};
  req.add_tool_round("", {{"call_1", "weather", R"({"city":"Paris"})"}, {"call_2", "time", "{}"}},
                     {"sunny", "noon"});
  const auto& m = req.messages();
  REQUIRE(m.size() == 4);
  CHECK(m[1]["role"] == "assistant");
  CHECK(m[1]["content"].is_null());
  CHECK(m[1]["tool_calls"][0]["id"] == "call_1");
  CHECK(m[1]["tool_calls"][0]["type"] == "function");
  CHECK(m[1]["tool_calls"][0]["function"]["arguments"] == R"({"city":"Paris"})");
  CHECK(m[2] == nlohmann::json{{"role", "tool"}, {"tool_call_id", "call_1"},
                               {"content", "sunny"}});
  CHECK(m[3]["tool_call_id"] == "call_2");
  CHECK(req.body()["messages"] == m);
}

TEST_CASE("openai_config parses the URL and defaults and refuses bad fields") {
  auto plain = config({{"base_url", "http://127.0.0.1:8080/v1"}, {"model", "m"}});
  CHECK_FALSE(plain.tls);
  CHECK(plain.host == "127.0.0.1");
  CHECK(plain.port == "8080");
  CHECK(plain.target == "/v1/chat/completions");
  CHECK(plain.history_runs == 3);
  CHECK(plain.max_tool_rounds == 4);
  CHECK(plain.max_retries == 3);
  CHECK(plain.retry_backoff.count() == 500);
  CHECK(plain.connect_timeout.count() == 10000);
  auto tls = config({{"base_url", "https://api.openai.com/v1"}, {"model", "m"}});
  CHECK(tls.tls);
  CHECK(tls.port == "443");
  CHECK(tls.host == "api.openai.com");
  CHECK_THROWS_WITH(config({{"model", "m"}}), Catch::Contains("base_url is required"));
  CHECK_THROWS_WITH(config({{"base_url", "ftp://x/v1"}, {"model", "m"}}),
                    Catch::Contains("http"));
  CHECK_THROWS_WITH(config({{"base_url", "http://x/v1"}}), Catch::Contains("model"));
  CHECK_THROWS_WITH(config({{"base_url", "http://x/v1"}, {"model", "m"}, {"max_retries", -1}}),
                    Catch::Contains("max_retries"));
  CHECK_THROWS_WITH(config({{"base_url", "http://x/v1"}, {"model", "m"}},
                           nlohmann::json::parse(R"([{"name":"t","command":[]}])")),
                    Catch::Contains("command"));
  component none{"agents", "a", "A", "", "openai", nlohmann::json::object()};
  CHECK_THROWS_AS(openai_config::from_component(none), std::invalid_argument);
}

TEST_CASE("openai_config reads a tool's env as an allow-list of names, as the config file has it") {
  nlohmann::json model = {{"base_url", "http://127.0.0.1:9/v1"}, {"model", "m"}};
  auto tool = [](nlohmann::json extra) {
    nlohmann::json t = {{"name", "t"}, {"command", {"/bin/true"}}};
    t.update(extra);
    return nlohmann::json::array({t});
  };
  CHECK(config(model, tool(nlohmann::json::object())).tools.at(0).env
        == std::vector<std::string>{"PATH", "HOME", "LANG", "LC_ALL", "TZ"});
  CHECK(config(model, tool({{"env", nlohmann::json::array()}})).tools.at(0).env.empty());
  CHECK(config(model, tool({{"env", {"LANG", "TZ"}}})).tools.at(0).env
        == std::vector<std::string>{"LANG", "TZ"});
  CHECK_THROWS_WITH(config(model, tool({{"env", {{"KEY", "value"}}}})),
                    Catch::Contains("env must be an array of variable names"));
}
