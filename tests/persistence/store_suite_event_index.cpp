// The store contract: next_event_index.

#include "tests/persistence/store_suite.hpp"

#include "tests/persistence/store_suite_helpers.hpp"

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

} // namespace runcast::test::store_suite
