#include "runnables/openai_runnable.hpp"

#include "runnables/builtins.hpp"
#include "runnables/tls_context_cache.hpp"
#include "tests/support/fake_openai_process.hpp"
#include "tests/runnables/io_threads.hpp"
#include "tests/runnables/test_run_context.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <mutex>

using namespace runcast;
using namespace runcast::runnables;
using runcast::test::fake_openai_process;
using runcast::test::io_threads;
using runcast::test::test_run_context;
using json = nlohmann::json;

namespace {

constexpr const char* key_env = "RUNCAST_TEST_OPENAI_KEY";
constexpr const char* key = "sk-test-very-secret-0123";

json model_spec(uint16_t port, json extra = json::object(), const char* scheme = "http") {
  json m = {{"base_url", std::string{scheme} + "://127.0.0.1:" + std::to_string(port) + "/v1"},
            {"model", "fake-model"},
            {"api_key_env", key_env},
            {"retry_backoff_ms", 1},
            {"connect_timeout_ms", 5000},
            {"first_token_timeout_ms", 10000},
            {"idle_timeout_ms", 10000}};
  m.update(extra);
  return m;
}

openai_config config(json model, json tools = nullptr) {
  component c{"agents", "assistant", "Assistant", "", "openai", json::object()};
  c.spec = {{"model", std::move(model)}};
  if (!tools.is_null())
    c.spec["tools"] = std::move(tools);
  return openai_config::from_component(c);
}

// A tool runner that records its calls and answers on the io_context, like a real one.
struct recording_runner : tool_runner {
  void run(const tool_spec& tool, std::string arguments, boost::asio::io_context& io,
           std::function<void(tool_result)> done) override {
    {
      std::lock_guard<std::mutex> guard{mutex};
      calls.emplace_back(tool.name, arguments);
    }
    boost::asio::post(io, [done] { done({true, "22C and sunny", std::chrono::milliseconds{3}}); });
  }
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> calls;
};

json normal_stream() {
  return {{"split", true},
          {"chunks", json::array({{{"content", "Hel"}},
                                  {{"content", "lo"}},
                                  {{"finish", "stop"}},
                                  {{"usage", {{"prompt_tokens", 5},
                                              {"completion_tokens", 2},
                                              {"total_tokens", 7}}}}})}};
}

void run(openai_runnable& r, const std::shared_ptr<test_run_context>& ctx) {
  ::setenv(key_env, key, 1);
  r.start(ctx);
  REQUIRE(ctx->wait_end());
}

} // namespace

TEST_CASE("openai streams content events and completes with usage in the final fields") {
  io_threads io;
  fake_openai_process fake{json::array({normal_stream()})};
  openai_runnable r{config(model_spec(fake.port())), std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  run(r, ctx);
  CHECK(ctx->end() == "completed");
  CHECK(ctx->result() == "Hello");
  auto events = ctx->events();
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == "RunContent");
  CHECK(events[0].content == std::string{"Hel"});
  CHECK(events[1].content == std::string{"lo"});
  auto fields = ctx->fields();
  CHECK(fields["finish_reason"] == "stop");
  CHECK(fields["metrics"]["input_tokens"] == 5);
  CHECK(fields["metrics"]["output_tokens"] == 2);
  CHECK(fields["metrics"]["total_tokens"] == 7);
  auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["path"] == "/v1/chat/completions");
  CHECK(requests[0]["authorization"] == std::string{"Bearer "} + key);
  CHECK(requests[0]["body"]["model"] == "fake-model");
  CHECK(requests[0]["body"]["stream"] == true);
  CHECK(requests[0]["body"]["messages"].back() == json{{"role", "user"}, {"content", "hi"}});
}

TEST_CASE("openai keeps every event when the run refuses emits for a while") {
  io_threads io;
  fake_openai_process fake{json::array({normal_stream()})};
  openai_runnable r{config(model_spec(fake.port())), std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  ctx->refuse_emits(5);
  run(r, ctx);
  CHECK(ctx->end() == "completed");
  CHECK(ctx->content() == "Hello");
}

TEST_CASE("openai retries a 503 before the first token and the fake sees two requests") {
  io_threads io;
  json unavailable = {{"status", 503},
                      {"headers", {{"Retry-After", "0"}}},
                      {"body", {{"error", {{"message", "overloaded"}}}}}};
  fake_openai_process fake{json::array({unavailable, normal_stream()})};
  openai_runnable r{config(model_spec(fake.port())), std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  run(r, ctx);
  CHECK(ctx->end() == "completed");
  CHECK(ctx->result() == "Hello");
  CHECK(fake.requests().size() == 2);
}

TEST_CASE("openai fails with the upstream status and message once retries are spent") {
  io_threads io;
  json unauthorized = {{"status", 401},
                       {"body", {{"error", {{"message",
                                             std::string{"Incorrect API key: "} + key}}}}}};
  fake_openai_process fake{json::array({unauthorized})};
  openai_runnable r{config(model_spec(fake.port())), std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  run(r, ctx);
  CHECK(ctx->end() == "failed");
  CHECK_THAT(ctx->result(), Catch::StartsWith("upstream returned 401: Incorrect API key"));
  CHECK(ctx->result().find(key) == std::string::npos);
  CHECK(fake.requests().size() == 1); // a 401 is not retried
}

TEST_CASE("openai fails when upstream drops the stream and keeps the content emitted") {
  io_threads io;
  json dropped = {{"chunks", json::array({{{"content", "par"}}, {{"content", "tial"}},
                                          {{"content", "never"}}})},
                  {"drop_after", 2}};
  fake_openai_process fake{json::array({dropped, normal_stream()})};
  openai_runnable r{config(model_spec(fake.port())), std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  run(r, ctx);
  CHECK(ctx->end() == "failed");
  CHECK_THAT(ctx->result(), Catch::StartsWith("upstream closed the stream"));
  CHECK(ctx->content() == "partial");
  CHECK(fake.requests().size() == 1); // never retried after content
}

TEST_CASE("openai cancel mid-stream closes the upstream connection") {
  io_threads io;
  json hanging = {{"chunks", json::array({{{"content", "first"}}})}, {"hang", true}};
  fake_openai_process fake{json::array({hanging})};
  openai_runnable r{config(model_spec(fake.port())), std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  ::setenv(key_env, key, 1);
  r.start(ctx);
  REQUIRE(ctx->wait_events(1));
  CHECK_FALSE(fake.saw_disconnect());
  ctx->cancel();
  CHECK(runcast::test::eventually([&] { return fake.saw_disconnect(); }));
  CHECK(ctx->end() == "cancelled");
}

TEST_CASE("openai fails when no first token comes within first_token_timeout_ms") {
  io_threads io;
  json silent = {{"chunks", json::array()}, {"hang", true}};
  fake_openai_process fake{json::array({silent})};
  openai_runnable r{config(model_spec(fake.port(), {{"first_token_timeout_ms", 200}})),
                    std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  run(r, ctx);
  CHECK(ctx->end() == "failed");
  CHECK_THAT(ctx->result(), Catch::Contains("no first token") &&
                              Catch::Contains("first_token_timeout_ms"));
  CHECK(runcast::test::eventually([&] { return fake.saw_disconnect(); }));
}

TEST_CASE("openai retries a refused connection and then names what it could not reach") {
  io_threads io;
  uint16_t port = 0;
  {
    // A port nothing listens on: bound and closed again.
    boost::asio::io_context probe;
    boost::asio::ip::tcp::acceptor a{probe, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    port = a.local_endpoint().port();
  }
  openai_runnable r{config(model_spec(port, {{"max_retries", 2}})),
                    std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  run(r, ctx);
  CHECK(ctx->end() == "failed");
  CHECK_THAT(ctx->result(), Catch::StartsWith("could not connect to 127.0.0.1:" +
                                              std::to_string(port)));
}

TEST_CASE("openai fails after max_tool_rounds rounds of tool calls") {
  io_threads io;
  json ask = {{"chunks", json::array({
                {{"tool_call", {{"index", 0}, {"id", "call_1"}, {"name", "nosuch"},
                                {"arguments", "{}"}}}},
                {{"finish", "tool_calls"}}})}};
  fake_openai_process fake{json::array({ask})};
  auto tools = json::parse(R"([{"name":"weather","command":["/usr/bin/weather"]}])");
  auto runner = std::make_shared<recording_runner>();
  openai_runnable r{config(model_spec(fake.port(), {{"max_tool_rounds", 1}}), tools), runner};
  auto ctx = std::make_shared<test_run_context>(io.context(), "loop");
  run(r, ctx);
  CHECK(ctx->end() == "failed");
  CHECK_THAT(ctx->result(), Catch::Contains("max_tool_rounds (1)"));
  CHECK(runner->calls.empty()); // an unknown tool never reaches the runner
  auto events = ctx->events();
  REQUIRE(events.size() == 2); // the first round's; the second fails before any tool runs
  CHECK(events[1].type == "ToolCallCompleted");
  CHECK(events[1].fields["error"] == "unknown tool nosuch");
  auto requests = fake.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1]["body"]["messages"].back()["content"] == "error: unknown tool nosuch");
}

TEST_CASE("openai sends the session history in the request body") {
  io_threads io;
  fake_openai_process fake{json::array({normal_stream()})};
  openai_runnable r{config(model_spec(fake.port(), {{"history_runs", 2}, {"system", "sys"}})),
                    std::make_shared<recording_runner>()};
  auto ctx = std::make_shared<test_run_context>(
    io.context(), "third", std::vector<actors::past_run>{{"q0", "a0"}, {"q1", "a1"}, {"q2", "a2"}});
  run(r, ctx);
  CHECK(ctx->end() == "completed");
  CHECK(ctx->history_asked() == 2);
  auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["body"]["messages"] == json::parse(R"([
    {"role":"system","content":"sys"},
    {"role":"user","content":"q1"},{"role":"assistant","content":"a1"},
    {"role":"user","content":"q2"},{"role":"assistant","content":"a2"},
    {"role":"user","content":"third"}])"));
}

TEST_CASE("openai runs a tool call through the runner and sends its result in the next request") {
  io_threads io;
  json ask = {{"chunks", json::array({
                {{"tool_call", {{"index", 0}, {"id", "call_1"}, {"name", "weather"},
                                {"arguments", "{\"city\":"}}}},
                {{"tool_call", {{"index", 0}, {"arguments", "\"Paris\"}"}}}},
                {{"finish", "tool_calls"}},
                {{"usage", {{"prompt_tokens", 10}, {"completion_tokens", 4},
                            {"total_tokens", 14}}}}})}};
  fake_openai_process fake{json::array({ask, normal_stream()})};
  auto tools = json::parse(R"([{"name":"weather","description":"the weather in a city",
    "parameters":{"type":"object","properties":{"city":{"type":"string"}}},
    "command":["/usr/bin/weather"]}])");
  auto runner = std::make_shared<recording_runner>();
  openai_runnable r{config(model_spec(fake.port()), tools), runner};
  auto ctx = std::make_shared<test_run_context>(io.context(), "weather in Paris?");
  run(r, ctx);
  CHECK(ctx->end() == "completed");
  CHECK(ctx->result() == "Hello");
  REQUIRE(runner->calls.size() == 1);
  CHECK(runner->calls[0] == std::make_pair(std::string{"weather"},
                                           std::string{R"({"city":"Paris"})"}));
  auto events = ctx->events();
  REQUIRE(events.size() == 4);
  CHECK(events[0].type == "ToolCallStarted");
  CHECK(events[0].fields["tool_call_id"] == "call_1");
  CHECK(events[0].fields["tool_name"] == "weather");
  CHECK(events[0].fields["arguments"] == R"({"city":"Paris"})");
  CHECK(events[1].type == "ToolCallCompleted");
  CHECK(events[1].fields["result"] == "22C and sunny");
  CHECK(events[1].fields["duration_ms"] == 3);
  CHECK(ctx->fields()["metrics"]["total_tokens"] == 21);
  auto requests = fake.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0]["body"]["tools"][0]["function"]["name"] == "weather");
  const auto& messages = requests[1]["body"]["messages"];
  REQUIRE(messages.size() == 3);
  CHECK(messages[1]["tool_calls"][0]["function"]["arguments"] == R"({"city":"Paris"})");
  CHECK(messages[2] == json{{"role", "tool"}, {"tool_call_id", "call_1"},
                            {"content", "22C and sunny"}});
}

TEST_CASE("openai over TLS trusts its ca_file and fails with a certificate error without it") {
  io_threads io;
  runcast::test::temp_dir dir{"openai-tls"};
  auto cert = dir.file("cert.pem").string();
  auto keyfile = dir.file("key.pem").string();
  auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
             "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
             keyfile + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  fake_openai_process fake{json::array({normal_stream()}), cert, keyfile};
  auto spec = model_spec(fake.port(), {{"max_retries", 0}}, "https");
  openai_runnable trusting{config(spec), std::make_shared<recording_runner>(),
                           tls_context_cache::make(cert)};
  auto ok = std::make_shared<test_run_context>(io.context(), "hi");
  run(trusting, ok);
  CHECK(ok->end() == "completed");
  CHECK(ok->result() == "Hello");
  openai_runnable system_cas{config(spec), std::make_shared<recording_runner>(),
                             tls_context_cache::make("")};
  auto refused = std::make_shared<test_run_context>(io.context(), "hi");
  run(system_cas, refused);
  CHECK(refused->end() == "failed");
  CHECK_THAT(refused->result(), Catch::Contains("certificate"));
  CHECK(fake.requests().size() == 1);
}

TEST_CASE("openai fails clearly when the api_key_env variable is missing") {
  io_threads io;
  openai_runnable r{config(model_spec(9, {{"api_key_env", "RUNCAST_TEST_NO_SUCH_KEY"}})),
                    std::make_shared<recording_runner>()};
  ::unsetenv("RUNCAST_TEST_NO_SUCH_KEY");
  auto ctx = std::make_shared<test_run_context>(io.context(), "hi");
  r.start(ctx);
  REQUIRE(ctx->wait_end());
  CHECK(ctx->end() == "failed");
  CHECK_THAT(ctx->result(), Catch::Contains("RUNCAST_TEST_NO_SUCH_KEY") &&
                              Catch::Contains("not set"));
  CHECK(ctx->events().empty());
}

TEST_CASE("builtins register openai and refuse a component without a model spec") {
  auto registry = builtins();
  REQUIRE(registry.contains("openai"));
  component good{"agents", "a", "A", "", "openai", json::object()};
  good.spec = {{"model", model_spec(9)}};
  actors::run_info info;
  info.names = names_for_kind("agents");
  CHECK(dynamic_cast<actors::async_runnable*>(registry.make(good, info, {}).get()) != nullptr);
  component bad{"agents", "b", "B", "", "openai", json::object()};
  CHECK_THROWS_AS(registry.make(bad, info, {}), std::invalid_argument);
}
