// encode_bench: CPU per event of writing an event's data, the tree-building encoder runcast
// used before (a nlohmann::ordered_json per event, then dump) against event_encoder.
//
//   encode_bench [events]
//
// A RunContent event of the shape bench/run-all streams: 253 bytes of data.

#include "core/event_encoder.hpp"
#include "core/event_json.hpp"
#include "tests/support/tree_event_json.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  std::printf("encode_bench %ld   (a RunContent event as bench/run-all streams, %ld times)\n",
              n, n);
  runcast::event_context ctx{"4f5d2c1e-8a9b-4c3d-9e8f-0123456789ab",
                             "a1b2c3d4-e5f6-4a1b-8c9d-0e1f2a3b4c5d", "agents", "bench",
                             "Bench Agent"};
  runcast::event_draft ev{"RunContent",
                          std::string("ts=1764660000000000000;") + std::string(9, 'x')};
  runcast::event_encoder enc{ctx};
  size_t sink = 0;
  auto time = [&](const char* what, auto&& f) {
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i)
      sink += f(i).size();
    auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%-28s %8.1f ns/event  %6.2f M events/s\n", what, s * 1e9 / n, n / s / 1e6);
  };
  time("tree (nlohmann, before)", [&](long i) {
    return runcast::test::tree_event_json(ctx, ev, i, 1764660000);
  });
  time("event_encoder (after)", [&](long i) { return enc.encode(ev, i, 1764660000); });
  std::printf("data bytes: %zu (checksum %zu)\n", enc.encode(ev, 0, 1764660000).size(), sink);
}
