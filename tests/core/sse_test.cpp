#include "core/sse.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace runcast;

TEST_CASE("an event frame carries id, event and one data line") {
  CHECK(encode_event_frame(7, "RunContent", R"({"a":1})")
        == "id: 7\nevent: RunContent\ndata: {\"a\":1}\n\n");
}

TEST_CASE("an event frame built in place is the bytes encode_event_frame writes") {
  const int64_t largest = std::numeric_limits<int64_t>::max();
  for (int64_t index : {int64_t{0}, int64_t{7}, int64_t{-1}, largest}) {
    auto built = make_event_frame(index, "RunContent", R"({"a":1})");
    REQUIRE(built);
    CHECK(built->view() == encode_event_frame(index, "RunContent", R"({"a":1})"));
  }
  CHECK(make_event_frame(3, "", "")->view() == "id: 3\nevent: \ndata: \n\n");
}

TEST_CASE("a meta frame has no id line, so it never moves Last-Event-ID") {
  auto f = encode_meta_frame("catch_up", "{}");
  CHECK(f == "event: catch_up\ndata: {}\n\n");
  CHECK(f.find("id:") == std::string::npos);
}

TEST_CASE("comments and retry hints end with a blank line") {
  CHECK(encode_comment("keepalive") == ": keepalive\n\n");
  CHECK(encode_retry(std::chrono::milliseconds{2500}) == "retry: 2500\n\n");
}
