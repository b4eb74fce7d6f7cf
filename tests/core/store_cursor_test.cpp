#include "core/store_cursor.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace runcast;

namespace {

std::vector<stored_frame> events(std::initializer_list<int64_t> indices) {
  std::vector<stored_frame> out;
  for (auto i : indices)
    out.push_back({i, make_event_frame(i, "RunContent", "{\"i\":" + std::to_string(i) + "}")});
  return out;
}

std::string announce(const index_gap& gap) {
  return "gap " + std::to_string(gap.from) + ".." + std::to_string(gap.to);
}

std::vector<std::string> texts(const std::vector<frame_ptr>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames)
    out.push_back(f->view().rfind("gap", 0) == 0
                      ? f->str()
                      : std::string{f->view().substr(0, f->view().find('\n'))});
  return out;
}

} // namespace

TEST_CASE("store_cursor: dense events become frames with their own indices") {
  store_cursor c{3, announce};
  auto got = texts(c.take(events({3, 4, 5})));
  CHECK(got == std::vector<std::string>{"id: 3", "id: 4", "id: 5"});
  CHECK(c.position() == 6);
  CHECK(c.gaps() == 0);
  CHECK(c.finish(6) == nullptr);
}

TEST_CASE("store_cursor: a hole before or among the events is announced where it is") {
  store_cursor c{0, announce};
  auto got = texts(c.take(events({2, 3, 7})));
  CHECK(got == std::vector<std::string>{"gap 0..1", "id: 2", "id: 3", "gap 4..6", "id: 7"});
  CHECK(c.gaps() == 2);
  CHECK(c.position() == 8);
}

TEST_CASE("store_cursor: a missing tail is announced by finish") {
  store_cursor c{0, announce};
  c.take(events({0, 1}));
  auto tail = c.finish(5);
  REQUIRE(tail != nullptr);
  CHECK(tail->view() == "gap 2..4");
  CHECK(c.position() == 5);
}

TEST_CASE("store_cursor: events before the cursor are ignored") {
  store_cursor c{5, announce};
  auto got = texts(c.take(events({4, 5})));
  CHECK(got == std::vector<std::string>{"id: 5"});
}
