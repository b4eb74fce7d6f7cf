#include "runnables/chat_stream_parser.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace runcast::runnables;

namespace {

// Feeds one event (its data line and the blank line) and returns what it brought.
chat_stream_parser::delta event(chat_stream_parser& p, const std::string& data) {
  CHECK(p.on_line("data: " + data).content.empty()); // dispatched at the blank line only
  return p.on_line("");
}

std::string content_chunk(const std::string& text) {
  return R"({"choices":[{"index":0,"delta":{"content":")" + text +
         R"("},"finish_reason":null}]})";
}

} // namespace

TEST_CASE("chat_stream_parser hands out content deltas then finish reason usage and DONE") {
  chat_stream_parser p;
  CHECK(p.on_line(": keepalive comment").content.empty());
  CHECK(event(p, R"({"choices":[{"index":0,"delta":{"role":"assistant"}}]})").content.empty());
  CHECK(event(p, content_chunk("Hel")).content == "Hel");
  CHECK(event(p, content_chunk("lo")).content == "lo");
  CHECK(p.finish_reason().empty());
  event(p, R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})");
  CHECK(p.finish_reason() == "stop");
  event(p, R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,)"
           R"("total_tokens":7}})");
  CHECK(p.usage()["total_tokens"] == 7);
  CHECK_FALSE(p.done());
  event(p, "[DONE]");
  CHECK(p.done());
  CHECK(p.tool_calls().empty());
  CHECK(event(p, content_chunk("late")).content.empty()); // nothing counts after [DONE]
}

TEST_CASE("chat_stream_parser assembles tool calls from fragments by index") {
  chat_stream_parser p;
  auto d = event(p, R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_a",)"
                    R"("type":"function","function":{"name":"weather","arguments":""}}]}}]})");
  CHECK(d.tool_progress);
  event(p, R"({"choices":[{"delta":{"tool_calls":[{"index":1,"id":"call_b",)"
           R"("function":{"name":"time","arguments":"{}"}}]}}]})");
  event(p, R"({"choices":[{"delta":{"tool_calls":[{"index":0,)"
           R"("function":{"arguments":"{\"city\":"}}]}}]})");
  event(p, R"({"choices":[{"delta":{"tool_calls":[{"index":0,)"
           R"("function":{"arguments":"\"Paris\"}"}}]}}]})");
  event(p, R"({"choices":[{"delta":{},"finish_reason":"tool_calls"}]})");
  REQUIRE(p.tool_calls().size() == 2);
  CHECK(p.tool_calls()[0].id == "call_a");
  CHECK(p.tool_calls()[0].name == "weather");
  CHECK(p.tool_calls()[0].arguments == R"({"city":"Paris"})");
  CHECK(p.tool_calls()[1].name == "time");
  CHECK(p.tool_calls()[1].arguments == "{}");
  CHECK(p.finish_reason() == "tool_calls");
}

TEST_CASE("chat_stream_parser reports malformed chunks and in-stream errors") {
  chat_stream_parser p;
  auto bad = event(p, "{not json");
  REQUIRE(bad.error);
  CHECK_THAT(*bad.error, Catch::Contains("malformed"));
  chat_stream_parser q;
  auto err = event(q, R"({"error":{"message":"model overloaded"}})");
  REQUIRE(err.error);
  CHECK_THAT(*err.error, Catch::Contains("model overloaded"));
  chat_stream_parser r;
  auto many = event(r, R"({"choices":[{"delta":{"tool_calls":[{"index":999}]}}]})");
  REQUIRE(many.error);
  CHECK_THAT(*many.error, Catch::Contains("tool calls"));
}

TEST_CASE("chat_stream_parser joins multi-line data and dispatches a trailing event on finish") {
  chat_stream_parser p;
  p.on_line(R"(data: {"choices":[{"delta":)");
  p.on_line(R"(data: {"content":"two lines"}}]})");
  CHECK(p.on_line("").content == "two lines");
  p.on_line("data: " + content_chunk("tail"));
  CHECK(p.finish().content == "tail");
}
