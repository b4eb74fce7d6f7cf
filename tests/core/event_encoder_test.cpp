// The event encoder writes JSON by hand for speed; these tests hold it byte for byte to what
// nlohmann writes for the same object (the encoder it replaced), on chosen and on random
// inputs: control characters, quotes, multibyte and invalid UTF-8, clashing field names.

#include "core/event_encoder.hpp"
#include "core/event_json.hpp"
#include "tests/support/tree_event_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

using namespace runcast;
using runcast::test::tree_event_json;

namespace {

/// Random bytes drawn mostly from the interesting ones, between runs of plain ASCII.
std::string random_text(std::mt19937& rng) {
  static const std::string pieces[] = {
    "a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f", std::string(1, '\0'), "\x01",
    "\x1f", "\x7f", "é", "€", "😀", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf",
    "\xf4\x90\x80\x80", "\xf0\x9f\x98", "/", "ts=1;", "\x80",
    // Runs of plain ASCII, so that the encoder's eight-bytes-at-a-time scan meets each of
    // the bytes above at every offset in a word.
    "plain", "0123456789abcdef", "The quick brown fox "};
  std::uniform_int_distribution<size_t> len{0, 12};
  std::uniform_int_distribution<size_t> pick{0, std::size(pieces) - 1};
  std::string s;
  for (auto n = len(rng); n > 0; --n)
    s += pieces[pick(rng)];
  return s;
}

} // namespace

TEST_CASE("the encoder writes what nlohmann writes for chosen events") {
  event_context ctx{"r1", "s1", "agents", "echo", "Echo \"Agent\""};
  event_encoder enc{ctx};
  std::vector<event_draft> drafts{
    {"RunContent", std::string{"hi"}},
    {"RunStarted", std::nullopt},
    {"RunContent", std::string{"a\nb\xff"}},
    {"ToolCallStarted", std::string{"x"},
     {{"tool_name", "grep"}, {"run_id", "not mine"}, {"content", "no"}, {"n", 1.5}}},
    {"RunCompleted", std::string{""}, {{"metrics", {{"tokens", 3}, {"s", "\x01"}}}}},
  };
  for (const auto& d : drafts)
    CHECK(enc.encode(d, 7, 1700000000) == tree_event_json(ctx, d, 7, 1700000000));
}

TEST_CASE("the encoder writes what nlohmann writes for 20,000 random events") {
  std::mt19937 rng{20261202};
  const char* kinds[] = {"agents", "teams", "workflows"};
  const char* clashing[] = {"created_at", "event", "agent_id", "team_name", "run_id",
                            "session_id", "content", "event_index", "step_name", "workflow_id"};
  for (int i = 0; i < 20'000; ++i) {
    event_context ctx{random_text(rng), random_text(rng), kinds[i % 3], random_text(rng),
                      random_text(rng)};
    event_draft d{random_text(rng)};
    if (rng() % 4 != 0)
      d.content = random_text(rng);
    if (rng() % 3 == 0) {
      d.fields = nlohmann::ordered_json::object();
      for (auto n = rng() % 4; n > 0; --n) {
        auto key = rng() % 2 ? std::string{clashing[rng() % std::size(clashing)]}
                             : random_text(rng);
        d.fields[key] = rng() % 2 ? nlohmann::ordered_json(random_text(rng))
                                  : nlohmann::ordered_json(static_cast<int>(rng() % 1000));
      }
    }
    auto index = static_cast<int64_t>(rng()) - (1LL << 31);
    auto created = static_cast<int64_t>(rng());
    INFO("case " << i);
    REQUIRE(event_encoder{ctx}.encode(d, index, created)
            == tree_event_json(ctx, d, index, created));
  }
}

TEST_CASE("the encoder appends to what the buffer holds") {
  event_encoder enc{{"r", "s", "agents", "a", "A"}};
  std::string out = "data: ";
  enc.encode({"E", std::string{"c"}}, 0, 1, out);
  CHECK(out.rfind("data: {\"created_at\":1,", 0) == 0);
  CHECK(out.back() == '}');
}

TEST_CASE("the encoder writes an event's whole frame and says where its type and data lie") {
  event_encoder enc{{"r", "s", "agents", "a", "A"}};
  std::mt19937 rng{7};
  std::string out;
  for (int i = 0; i < 200; ++i) {
    event_draft d{random_text(rng), random_text(rng)};
    int64_t index = i * 977;
    out.clear();
    auto at = enc.encode_frame(d, index, 1700000000, out);
    auto data = enc.encode(d, index, 1700000000);
    REQUIRE(out == encode_event_frame(index, d.type, data));
    CHECK(out.substr(at.type_at, at.type_size) == d.type);
    CHECK(out.substr(at.data_at, at.data_size) == data);
  }
}
