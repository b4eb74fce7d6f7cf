// The encoding of one block of events (persistence/sqlite_event_block.hpp): what goes in
// comes back, byte for byte, whatever an event shares with the one before it; blocks of
// earlier versions still read; damaged ones are a store_error.

#include "persistence/sqlite_event_block.hpp"
#include "persistence/store.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using runcast::stored_event;
using runcast::persistence::rows_of;
using runcast::persistence::store_error;
using runcast::persistence::detail::block_encoder;
using runcast::persistence::detail::decode_block;
using runcast::persistence::detail::encode_events;

namespace {

std::string encode(const std::vector<stored_event>& events) {
  auto rows = rows_of(events);
  std::string block;
  encode_events(rows.data(), rows.data() + rows.size(), block);
  return block;
}

std::vector<stored_event> decode(const std::string& block, int64_t from = INT64_MIN,
                                 size_t limit = SIZE_MAX) {
  std::vector<stored_event> out;
  decode_block("run-1", block, from, limit, out, "test");
  return out;
}

void check_same(const std::vector<stored_event>& got, const std::vector<stored_event>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("event " << i);
    CHECK(got[i].run_id == "run-1");
    CHECK(got[i].index == want[i].index);
    CHECK(got[i].type == want[i].type);
    CHECK(got[i].data == want[i].data);
    CHECK(got[i].created_at == want[i].created_at);
  }
}

/// An event as the server makes them: the run's fields first, what changes last.
stored_event server_shaped(int64_t index, double created_at) {
  return {"run-1", index, "RunContent",
          R"({"created_at":)" + std::to_string(static_cast<int64_t>(created_at))
            + R"(,"event":"RunContent","agent_id":"bench","agent_name":"Bench Agent",)"
            + R"("run_id":"01a24cfd-a373-79be-b504-3e87f925c08a",)"
            + R"("session_id":"01a24cfd-a373-79e4-9ae1-0dcad010d853","content":"token )"
            + std::to_string(index * 7919 % 1000) + R"(","event_index":)"
            + std::to_string(index) + "}",
          created_at};
}

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

/// A block as versions before format 2 wrote it.
std::string format_1(const std::vector<stored_event>& events) {
  std::string out(1, '\1');
  for (const auto& e : events) {
    put(out, e.index);
    put(out, e.created_at);
    put(out, static_cast<uint32_t>(e.type.size()));
    out += e.type;
    put(out, static_cast<uint32_t>(e.data.size()));
    out += e.data;
  }
  return out;
}

} // namespace

TEST_CASE("event block: every event comes back as it went in, whatever it shares with the "
          "one before",
          "[persistence][sqlite]") {
  std::vector<stored_event> events{
    {"run-1", 0, "RunStarted", "", 1.0},                      // empty data first
    {"run-1", 1, "RunContent", "abcdef", 1.0},
    {"run-1", 2, "RunContent", "abcdef", 1.0},                // the same data
    {"run-1", 3, "RunContent", "abc", 1.5},                   // a prefix of the one before
    {"run-1", 4, "RunContent", "abcdefghijklmnopqrstuvwxyz", 1.5}, // longer, past 8 bytes
    {"run-1", 9, "ToolCall", "abcdefghijklmnopqrstuvwxyZ", 1.5},   // a hole; new type
    {"run-1", 10, "RunContent", "", -2.25},                   // empty again, time goes back
    {"run-1", 11, "", "\0\xff\n\"x", 0.0},                    // no type; bytes of any value
    {"run-1", 300000000000, "RunContent", std::string(70000, 'q'), 3.0}, // far, large
  };
  events[7].data = std::string("\0\xff\n\"x", 5);
  check_same(decode(encode(events)), events);

  SECTION("from any index, at most so many") {
    std::vector<stored_event> tail(events.begin() + 5, events.begin() + 7);
    check_same(decode(encode(events), 5, 2), tail);
    check_same(decode(encode(events), 10, 1), {events[6]});
    check_same(decode(encode(events), 6, 1), {events[5]}); // index 9, after the hole
    check_same(decode(encode(events), 300000000001), {});
  }
}

TEST_CASE("event block: events shaped like the server's take well under their data's size",
          "[persistence][sqlite]") {
  std::vector<stored_event> events;
  size_t data_bytes = 0;
  for (int64_t i = 0; i < 500; ++i) {
    events.push_back(server_shaped(i, 1796588020.0 + static_cast<double>(i / 200)));
    data_bytes += events.back().data.size();
  }
  auto block = encode(events);
  check_same(decode(block), events);
  INFO("block " << block.size() << " B, data " << data_bytes << " B");
  // Each event repeats ~200 bytes of the one before; format 1 took more than its data.
  CHECK(block.size() * 4 < data_bytes);
}

TEST_CASE("event block: a block stops at its cap, but always takes one event",
          "[persistence][sqlite]") {
  std::vector<stored_event> events{server_shaped(0, 1.0), server_shaped(1, 1.0),
                                   {"run-1", 2, "RunContent", std::string(5000, 'z'), 1.0}};
  auto rows = rows_of(events);
  std::string out;
  block_encoder block{out};
  CHECK(block.add(rows[0], 10)); // the first event goes in whatever the cap
  const auto one = out;
  CHECK(block.add(rows[1], 4096));
  const auto two = out;
  CHECK_FALSE(block.add(rows[2], 4096)); // would pass the cap: left out, the block as it was
  CHECK(out == two);
  check_same(decode(out), {events[0], events[1]});
  CHECK(out.size() > one.size());
}

TEST_CASE("event block: a block of format 1, as earlier versions wrote, still reads",
          "[persistence][sqlite]") {
  std::vector<stored_event> events{server_shaped(7, 5.0), server_shaped(8, 5.0),
                                   {"run-1", 10, "RunCompleted", "{}", 6.5}};
  check_same(decode(format_1(events)), events);
  check_same(decode(format_1(events), 8, 1), {events[1]});
}

TEST_CASE("event block: damaged blocks are a store_error naming the run",
          "[persistence][sqlite]") {
  auto block = encode({server_shaped(0, 1.0), server_shaped(1, 1.0)});
  SECTION("cut short") {
    CHECK_THROWS_WITH(decode(block.substr(0, block.size() - 3)),
                      Catch::Contains("run 'run-1'") && Catch::Contains("cut short"));
  }
  SECTION("an unknown format") {
    block[0] = '\7';
    CHECK_THROWS_WITH(decode(block), Catch::Contains("has format 7"));
  }
  SECTION("the first event refers to one before it") {
    block[2] = '\0'; // its flags: neither time nor type of its own
    CHECK_THROWS_AS(decode(block), store_error);
  }
  SECTION("an event with flags this build does not know") {
    block[2] = '\7'; // the first event's flags: time, type and an unknown bit
    CHECK_THROWS_WITH(decode(block), Catch::Contains("flags this build does not know"));
  }
  SECTION("an event shares more than the one before it has") {
    std::string bad{"\2"};
    bad += std::string{"\0\3", 2};                      // index 0, flags: time and type
    put(bad, 1.0);
    bad += std::string{"\0", 1};                        // type: ""
    bad += std::string{"\0\2ab", 4};                    // data "ab"
    bad += std::string{"\2\0\3\0", 4};                  // index 1, shares 3 of "ab"
    CHECK_THROWS_WITH(decode(bad), Catch::Contains("shares more data"));
  }
  SECTION("a number longer than 64 bits") {
    std::string bad{"\2"};
    bad += std::string(11, '\x80');
    CHECK_THROWS_WITH(decode(bad), Catch::Contains("longer than 64 bits"));
  }
}
