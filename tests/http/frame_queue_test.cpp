#include "http/frame_queue.hpp"

#include "core/sse.hpp"

#include <catch2/catch.hpp>

#include <string>

using runcast::make_frame;
using runcast::http::frame_queue;

TEST_CASE("a frame queue gives frames back in order across its compactions") {
  frame_queue q;
  CHECK(q.capacity() == 0); // an idle stream's queue holds nothing
  int pushed = 0;
  int popped = 0;
  // Interleave pushes and pops so the consumed prefix is compacted away many times.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 37; ++i, ++pushed)
      q.push(make_frame(std::to_string(pushed)), pushed % 2 == 0);
    for (int i = 0; i < 29; ++i, ++popped) {
      REQUIRE(q.front().frame->str() == std::to_string(popped));
      CHECK(q.front().counted == (popped % 2 == 0));
      q.pop();
    }
    REQUIRE(q.size() == static_cast<size_t>(pushed - popped));
  }
  while (!q.empty()) {
    REQUIRE(q.front().frame->str() == std::to_string(popped++));
    q.pop();
  }
  CHECK(popped == pushed);
  // A burst of 400 frames is given back once written; a few slots are kept.
  CHECK(q.capacity() == 0);
  for (int i = 0; i < 3; ++i)
    q.push(make_frame("x"), true);
  while (!q.empty())
    q.pop();
  CHECK(q.capacity() > 0);
  CHECK(q.capacity() <= 4);
}
