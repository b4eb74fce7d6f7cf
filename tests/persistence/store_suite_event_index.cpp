// The store contract: next_event_index, and events read as frames (load_frames).

#include "tests/persistence/store_suite.hpp"

#include "tests/persistence/store_suite_helpers.hpp"

#include "core/sse.hpp"

#include <string>
#include <utility>
#include <vector>

namespace runcast::test::store_suite {

using namespace detail;

void next_event_index_per_run(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-a"));
  s->create_run(sample_run("run-b"));
  CHECK(s->next_event_index("run-a") == 0);

  s->append_events(sample_events("run-a", 0, 10));
  s->append_events(sample_events("run-b", 0, 3));
  CHECK(s->next_event_index("run-a") == 10);
  CHECK(s->next_event_index("run-b") == 3);
  // A run without events, known or not, starts at 0.
  CHECK(s->next_event_index("nobody") == 0);
}

void next_event_index_with_holes(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-1"));
  s->append_events(sample_events("run-1", 0, 3));
  s->append_events(sample_events("run-1", 5, 2));

  // One past the highest index, not the number of events: 3 and 4 are missing.
  CHECK(s->next_event_index("run-1") == 7);
  auto events = s->load_events("run-1", 0, 100);
  CHECK(events.size() == 5);
  CHECK(indices_of(events) == std::vector<int64_t>{0, 1, 2, 5, 6});

  // A retried earlier batch may fill the hole; the next index stays where it was.
  s->append_events(sample_events("run-1", 3, 2));
  CHECK(s->next_event_index("run-1") == 7);
  CHECK(s->load_events("run-1", 0, 100).size() == 7);
}

void frames_are_the_loaded_events(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-1"));
  s->create_run(sample_run("run-2"));
  // Enough events for several of the SQLite store's blocks (~650 of these to a block),
  // written in batches that do not line up with them, and a hole (2000..2099).
  for (int64_t first = 0; first < 2000; first += 700)
    s->append_events(sample_events("run-1", first, std::min<int64_t>(700, 2000 - first)));
  s->append_events(sample_events("run-1", 2100, 900));
  s->append_events(sample_events("run-2", 0, 10));

  const std::pair<int64_t, size_t> reads[] = {{0, 5000}, {0, 700}, {650, 1000}, {1999, 3},
                                              {2050, 10}, {2999, 5}, {3000, 10}, {0, 0}};
  for (auto [from, limit] : reads) {
    INFO("from " << from << ", limit " << limit);
    auto events = s->load_events("run-1", from, limit);
    auto frames = s->load_frames("run-1", from, limit);
    REQUIRE(frames.size() == events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      INFO("event " << events[i].index);
      CHECK(frames[i].index == events[i].index);
      REQUIRE(frames[i].frame);
      CHECK(frames[i].frame->str()
            == encode_event_frame(events[i].index, events[i].type, events[i].data));
    }
  }
  CHECK(s->load_frames("run-1", 0, 5000).size() == 2900);
  CHECK(s->load_frames("run-1", 1999, 3).back().index == 2101); // across the hole
  CHECK(s->load_frames("run-2", 0, 100).size() == 10);
  CHECK(s->load_frames("nobody", 0, 100).empty());
}

} // namespace runcast::test::store_suite
