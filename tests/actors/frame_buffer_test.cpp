#include "actors/frame_buffer.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace runcast;
using namespace runcast::actors;

namespace {

frame_ptr frame_of(size_t bytes) {
  return make_frame(std::string(bytes, 'x'));
}

} // namespace

TEST_CASE("frame_buffer: indices are dense from 0 and frames are kept as appended") {
  frame_buffer buf{100, 1 << 20};
  CHECK(buf.append(make_frame("a")) == 0);
  CHECK(buf.append(make_frame("b")) == 1);
  CHECK(buf.end() == 2);
  CHECK(buf.first() == 0);
  std::vector<frame_ptr> out;
  buf.copy(0, 2, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0]->view() == "a");
  CHECK(out[1]->view() == "b");
}

TEST_CASE("frame_buffer: nothing unpersisted is ever dropped, whatever the bounds") {
  frame_buffer buf{2, 10};
  for (int i = 0; i < 5; ++i)
    buf.append(frame_of(8));
  CHECK(buf.trim() == 0);
  CHECK(buf.size() == 5);
  CHECK(buf.unpersisted_bytes() == 40);
  buf.mark_persisted(3);
  CHECK(buf.unpersisted_bytes() == 16);
  // Three persisted frames, 24 bytes, over both bounds: they go, oldest first, down to one
  // (8 bytes), and no unpersisted one does.
  CHECK(buf.trim() == 16);
  CHECK(buf.first() == 2);
  CHECK(buf.size() == 3);
  buf.mark_persisted(5);
  CHECK(buf.unpersisted_bytes() == 0);
  CHECK(buf.trim() == 16); // three persisted again: two more go
  CHECK(buf.first() == 4);
  CHECK(buf.bytes() == 8);
}

TEST_CASE("frame_buffer: the bounds count persisted frames, so unpersisted ones never push "
          "them out") {
  // What a fast producer does: more published than the bounds, all ahead of the store.
  frame_buffer buf{3, 1 << 20};
  for (int i = 0; i < 10; ++i)
    buf.append(frame_of(8));
  buf.mark_persisted(2);
  CHECK(buf.trim() == 0); // 2 persisted frames are within the bound of 3
  CHECK(buf.first() == 0);
  buf.mark_persisted(5);
  CHECK(buf.trim() == 16); // 5 persisted: the 2 oldest go, 3 stay beside the 5 unpersisted
  CHECK(buf.first() == 2);
  CHECK(buf.size() == 8);
  CHECK(buf.unpersisted_bytes() == 40);
}

TEST_CASE("frame_buffer: persisted marks never go back or past the end") {
  frame_buffer buf{100, 1 << 20};
  buf.append(frame_of(4));
  buf.append(frame_of(4));
  buf.mark_persisted(1);
  buf.mark_persisted(0);
  CHECK(buf.persisted() == 1);
  buf.mark_persisted(7);
  CHECK(buf.persisted() == 2);
  CHECK(buf.unpersisted_bytes() == 0);
}

TEST_CASE("frame_buffer: drop_persisted frees every stored frame and keeps the rest") {
  frame_buffer buf{100, 1 << 20};
  for (int i = 0; i < 4; ++i)
    buf.append(frame_of(10));
  buf.mark_persisted(3);
  CHECK(buf.drop_persisted() == 30);
  CHECK(buf.first() == 3);
  CHECK(buf.size() == 1);
  CHECK(buf.bytes() == 10);
}

TEST_CASE("frame_buffer: a frozen buffer shares its frames read-only until it drops them") {
  frame_buffer buf{100, 1 << 20};
  for (int i = 0; i < 5; ++i)
    buf.append(make_frame("f" + std::to_string(i)));
  buf.mark_persisted(5);
  buf.trim();
  auto frozen = buf.freeze();
  REQUIRE(frozen);
  CHECK(buf.freeze() == frozen); // once
  CHECK(frozen->first == 0);
  CHECK(frozen->end() == 5);
  CHECK(frozen->frames[3]->str() == "f3");
  // The buffer reads its frames from there now: the same indices, sizes and copies.
  CHECK(buf.first() == 0);
  CHECK(buf.size() == 5);
  CHECK(buf.trim() == 0);
  std::vector<frame_ptr> out;
  buf.copy(1, 3, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].get() == frozen->frames[1].get());
  // Dropping lets go of them: a reader's copy lives on, the buffer holds none.
  CHECK(buf.drop_persisted() == 10);
  CHECK(frozen.use_count() == 1);
  CHECK(buf.size() == 0);
  CHECK(buf.first() == 5);
  CHECK(buf.bytes() == 0);
}
