// Fuzzes the SSE encoding (core/sse.hpp) and the producers of what it carries (event data,
// core/event_json.hpp; meta frames, core/meta_frames.hpp) with a round trip: a stream of
// frames the input describes is read back by an EventSource written from the WHATWG standard
// (event_source_parser.hpp), which must dispatch exactly the events that were encoded.
//
// The input is a sequence of frames, each one of: an event frame; a meta frame; a comment; a
// retry; an event frame whose data encode_event_data() wrote for a fuzzed event; a meta frame
// from meta_frames.hpp. Raw frames keep the encoder's contract — type and data are one
// non-empty line (the data may be empty) of UTF-8, as event names and compact JSON are — and
// the target skips a frame that would not.
//
// Checks: every encoded event arrives once, in order, with its type, its data and (event
// frames) its index as `lastEventId`, which meta frames leave alone; comments and retries
// dispatch nothing and the last retry is the reconnection time; after each frame the reader
// is between events (the frame ended itself); producers' data is one line of UTF-8 JSON whose
// "event" names the frame's type.

#include "core/event_json.hpp"
#include "core/meta_frames.hpp"
#include "core/sse.hpp"
#include "fuzz/event_source_parser.hpp"
#include "fuzz/fuzz_check.hpp"

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using namespace runcast;
using runcast::fuzz::dispatched_event;
using runcast::fuzz::event_source_parser;

namespace {

bool is_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

bool is_one_line(const std::string& text) {
  return text.find_first_of("\r\n") == std::string::npos && is_utf8(text);
}

/// The stream being built and what its reader must see.
struct stream {
  event_source_parser reader;
  std::vector<dispatched_event> expected;
  std::string last_event_id;
  std::optional<int64_t> retry;

  // Feeds one whole frame and checks the reader ends up between events.
  void send(const std::string& frame) {
    reader.feed(frame);
    FUZZ_CHECK(reader.idle(), "a frame ends with a blank line");
    FUZZ_CHECK(reader.events().size() == expected.size(), "one event per event frame");
    FUZZ_CHECK(reader.retry() == retry, "the reconnection time");
    if (!expected.empty()) {
      const auto& got = reader.events().back();
      const auto& want = expected.back();
      FUZZ_CHECK(got.type == want.type, "the event's type survives");
      FUZZ_CHECK(got.data == want.data, "the event's data survives");
      FUZZ_CHECK(got.last_event_id == want.last_event_id, "the event's id survives");
    }
  }

  void event(int64_t index, const std::string& type, const std::string& data) {
    last_event_id = std::to_string(index);
    expected.push_back({type, data, last_event_id});
    send(encode_event_frame(index, type, data));
  }

  void meta(const std::string& type, const std::string& data, const std::string& frame) {
    expected.push_back({type, data, last_event_id}); // no id: Last-Event-ID stays
    send(frame);
  }
};

// Producer data: one UTF-8 line of JSON whose "event" is `type`.
void check_producer_data(const std::string& data, const std::string& type) {
  FUZZ_CHECK(is_one_line(data), "producer data is one line of UTF-8");
  auto j = nlohmann::json::parse(data, nullptr, false);
  FUZZ_CHECK(j.is_object() && j.value("event", "") == type, "producer data names its event");
}

void produced_event(FuzzedDataProvider& in, stream& s) {
  event_context ctx;
  ctx.run_id = in.ConsumeRandomLengthString(64);
  ctx.session_id = in.ConsumeRandomLengthString(64);
  ctx.kind = in.PickValueInArray({"agents", "teams", "workflows"});
  ctx.component_id = in.ConsumeRandomLengthString(64);
  ctx.component_name = in.ConsumeRandomLengthString(64);
  event_draft draft{in.ConsumeRandomLengthString(32)};
  if (in.ConsumeBool())
    draft.content = in.ConsumeRandomLengthString(256);
  if (in.ConsumeBool())
    draft.fields = {{in.ConsumeRandomLengthString(16), in.ConsumeRandomLengthString(64)}};
  auto index = in.ConsumeIntegral<int64_t>();
  auto data = encode_event_data(ctx, draft, index, in.ConsumeIntegral<int64_t>());
  FUZZ_CHECK(is_one_line(data), "producer data is one line of UTF-8");
  if (draft.type.empty() || !is_one_line(draft.type))
    return; // the event type is the runnable's; only the data is the producer's here
  check_producer_data(data, draft.type);
  FUZZ_CHECK(nlohmann::json::parse(data).at("event_index") == index, "event_index");
  s.event(index, draft.type, data);
}

void produced_meta(FuzzedDataProvider& in, stream& s) {
  auto run_id = in.ConsumeRandomLengthString(64);
  auto missed = in.ConsumeIntegral<int64_t>();
  auto total = in.ConsumeIntegral<int64_t>();
  std::optional<index_gap> gap;
  if (in.ConsumeBool())
    gap = index_gap{in.ConsumeIntegral<int64_t>(), in.ConsumeIntegral<int64_t>()};
  std::string type;
  std::string frame;
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      type = "catch_up";
      frame = catch_up_frame(run_id, missed, total, gap);
      break;
    case 1:
      type = "subscribed";
      frame = subscribed_frame(run_id, total);
      break;
    case 2:
      type = "replay";
      frame = replay_frame(run_id, run_status::completed, missed, total, gap);
      break;
    default:
      type = "error";
      frame = error_frame(run_id, in.ConsumeRandomLengthString(128));
      break;
  }
  // The frame is complete already: its data is what follows "data: " up to the line's end.
  auto start = frame.find("\ndata: ");
  FUZZ_CHECK(frame.rfind("event: " + type + "\n", 0) == 0 && start != std::string::npos,
             "a meta frame is event, then data");
  auto data = frame.substr(start + 7, frame.size() - start - 7 - 2);
  FUZZ_CHECK(frame.compare(frame.size() - 2, 2, "\n\n") == 0, "a meta frame ends blank");
  check_producer_data(data, type);
  s.meta(type, data, frame);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  FuzzedDataProvider in{bytes, size};
  stream s;
  while (in.remaining_bytes() > 0) {
    switch (in.ConsumeIntegralInRange(0, 5)) {
      case 0: {
        auto index = in.ConsumeIntegral<int64_t>();
        auto type = in.ConsumeRandomLengthString(32);
        auto data = in.ConsumeRandomLengthString(512);
        if (!type.empty() && is_one_line(type) && is_one_line(data))
          s.event(index, type, data);
        break;
      }
      case 1: {
        auto type = in.ConsumeRandomLengthString(32);
        auto data = in.ConsumeRandomLengthString(512);
        if (!type.empty() && is_one_line(type) && is_one_line(data))
          s.meta(type, data, encode_meta_frame(type, data));
        break;
      }
      case 2: {
        auto text = in.ConsumeRandomLengthString(64);
        if (is_one_line(text))
          s.send(encode_comment(text));
        break;
      }
      case 3: {
        auto ms = in.ConsumeIntegralInRange<int64_t>(0, int64_t{1} << 40);
        s.retry = ms;
        s.send(encode_retry(std::chrono::milliseconds{ms}));
        break;
      }
      case 4:
        produced_event(in, s);
        break;
      default:
        produced_meta(in, s);
        break;
    }
  }
  return 0;
}
