// The store contract: runs, statuses and events.

#include "tests/persistence/store_suite.hpp"

#include "tests/persistence/store_suite_helpers.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace runcast::test::store_suite {

using namespace detail;

void create_and_find_run(store_backend& backend) {
  auto s = backend.open();
  auto run = sample_run("run-1");
  run.input = "multi-line\ninput with \"quotes\" and ünïcödé";
  s->create_run(run);

  auto found = s->find_run("run-1");
  REQUIRE(found);
  check_same_run(*found, run);
  CHECK_FALSE(s->find_run("run-2"));

  // A run may be created already finished, without a user, in the same session.
  auto finished = sample_run("run-2", 1700000001.0);
  finished.user_id.clear();
  finished.status = run_status::completed;
  finished.content = "result";
  finished.updated_at = 1700000002.0;
  s->create_run(finished);
  found = s->find_run("run-2");
  REQUIRE(found);
  check_same_run(*found, finished);
}

void duplicate_run_id_throws(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-1"));

  auto clash = sample_run("run-1");
  clash.session_id = "session-2";
  clash.input = "other";
  CHECK_THROWS_AS(s->create_run(clash), store_error);

  // The failed insert changed nothing, and the store stays usable.
  auto found = s->find_run("run-1");
  REQUIRE(found);
  CHECK(found->input == "hello");
  CHECK(found->session_id == "session-1");
  run_filter other_session;
  other_session.session_id = "session-2";
  CHECK(s->list_runs(other_session).empty());

  // A second run in an existing session is not a duplicate.
  s->create_run(sample_run("run-2"));
  run_filter same_session;
  same_session.session_id = "session-1";
  CHECK(s->list_runs(same_session).size() == 2);
}

void status_transitions_keep_content_and_error(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-1", 1000.0));

  REQUIRE(s->update_run_status("run-1", run_status::running, std::nullopt, std::nullopt,
                               1001.25));
  auto run = s->find_run("run-1");
  REQUIRE(run);
  CHECK(run->status == run_status::running);
  CHECK_FALSE(run->content);
  CHECK_FALSE(run->error);
  CHECK(run->created_at == 1000.0);
  CHECK(run->updated_at == 1001.25);

  REQUIRE(s->update_run_status("run-1", run_status::completed, std::string{"the answer"},
                               std::nullopt, 1002.5));
  run = s->find_run("run-1");
  REQUIRE(run);
  CHECK(run->status == run_status::completed);
  CHECK(run->content == std::optional<std::string>{"the answer"});
  CHECK_FALSE(run->error);
  CHECK(run->updated_at == 1002.5);

  // Content and error are written only when given: a later update keeps them.
  REQUIRE(s->update_run_status("run-1", run_status::completed, std::nullopt, std::nullopt,
                               1003.0));
  run = s->find_run("run-1");
  REQUIRE(run);
  CHECK(run->content == std::optional<std::string>{"the answer"});
  CHECK(run->updated_at == 1003.0);

  s->create_run(sample_run("run-2", 1000.0));
  REQUIRE(s->update_run_status("run-2", run_status::error, std::nullopt, std::string{"boom"},
                               1004.0));
  run = s->find_run("run-2");
  REQUIRE(run);
  CHECK(run->status == run_status::error);
  CHECK(run->error == std::optional<std::string>{"boom"});
  CHECK_FALSE(run->content);

  s->create_run(sample_run("run-3", 1000.0));
  REQUIRE(s->update_run_status("run-3", run_status::cancelled, std::nullopt, std::nullopt,
                               1005.0));
  run = s->find_run("run-3");
  REQUIRE(run);
  CHECK(run->status == run_status::cancelled);

  // Updating a run that does not exist reports it and creates nothing.
  CHECK_FALSE(s->update_run_status("missing", run_status::running, std::nullopt,
                                   std::nullopt, 1006.0));
  CHECK_FALSE(s->find_run("missing"));
}

void append_and_load_events(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-a"));
  s->create_run(sample_run("run-b"));

  // One batch, two runs, out of order: the store returns each run's events by index.
  s->append_events({sample_event("run-a", 3), sample_event("run-b", 0), sample_event("run-a", 1),
                    sample_event("run-a", 4), sample_event("run-a", 0), sample_event("run-b", 1),
                    sample_event("run-a", 2)});

  auto all = s->load_events("run-a", 0, 100);
  REQUIRE(all.size() == 5);
  for (int64_t i = 0; i < 5; ++i)
    check_same_event(all[static_cast<size_t>(i)], sample_event("run-a", i));

  CHECK(indices_of(s->load_events("run-a", 2, 100)) == std::vector<int64_t>{2, 3, 4});
  CHECK(indices_of(s->load_events("run-a", 1, 2)) == std::vector<int64_t>{1, 2});
  CHECK(indices_of(s->load_events("run-a", 4, 1)) == std::vector<int64_t>{4});
  CHECK(s->load_events("run-a", 5, 100).empty());
  CHECK(s->load_events("run-a", 0, 0).empty());

  auto other = s->load_events("run-b", 0, 100);
  REQUIRE(other.size() == 2);
  check_same_event(other[0], sample_event("run-b", 0));
  check_same_event(other[1], sample_event("run-b", 1));
  CHECK(s->load_events("nobody", 0, 100).empty());
}

void reappending_events_is_idempotent(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-1"));
  s->append_events(sample_events("run-1", 0, 3));
  REQUIRE(s->load_events("run-1", 0, 100).size() == 3);

  // A retried batch overlapping what landed: existing indices are skipped (the first write
  // wins), new ones are added.
  auto retried = sample_events("run-1", 1, 4);
  for (auto& event : retried)
    event.data = "retry";
  s->append_events(retried);
  CHECK(s->next_event_index("run-1") == 5);

  auto events = s->load_events("run-1", 0, 100);
  REQUIRE(events.size() == 5);
  CHECK(indices_of(events) == std::vector<int64_t>{0, 1, 2, 3, 4});
  CHECK(events[1].data == event_data("run-1", 1));
  CHECK(events[2].data == event_data("run-1", 2));
  CHECK(events[3].data == "retry");
  CHECK(events[4].data == "retry");

  // The exact same batch again, and an empty one, change nothing.
  s->append_events(retried);
  s->append_events({});
  CHECK(s->load_events("run-1", 0, 100).size() == 5);
  CHECK(s->next_event_index("run-1") == 5);
}

void list_runs_filters_orders_and_pages(store_backend& backend) {
  auto s = backend.open();
  auto add = [&](const std::string& id, const std::string& session, const std::string& kind,
                 const std::string& component, run_status status, double created_at) {
    auto run = sample_run(id, created_at);
    run.session_id = session;
    run.kind = kind;
    run.component_id = component;
    run.status = status;
    s->create_run(run);
    return run;
  };
  auto r1 = add("r1", "s1", "agents", "echo", run_status::completed, 100);
  add("r2", "s1", "agents", "echo", run_status::running, 200);
  add("r3", "s2", "teams", "squad", run_status::pending, 300);
  add("r4", "s2", "agents", "writer", run_status::error, 400);
  // Inserted in the opposite order of the tie-break, so the order is the store's doing.
  add("r6", "s3", "workflows", "flow", run_status::completed, 500);
  add("r5", "s3", "workflows", "flow", run_status::completed, 500);

  using ids = std::vector<std::string>;
  // Newest first; equal created_at falls back to run_id, descending.
  CHECK(ids_of(s->list_runs({})) == ids{"r6", "r5", "r4", "r3", "r2", "r1"});

  auto oldest = s->list_runs({});
  REQUIRE(oldest.size() == 6);
  check_same_run(oldest.back(), r1);

  run_filter f;
  f.session_id = "s1";
  CHECK(ids_of(s->list_runs(f)) == ids{"r2", "r1"});

  f = {};
  f.kind = "agents";
  CHECK(ids_of(s->list_runs(f)) == ids{"r4", "r2", "r1"});

  f = {};
  f.component_id = "flow";
  CHECK(ids_of(s->list_runs(f)) == ids{"r6", "r5"});

  f = {};
  f.status = run_status::completed;
  CHECK(ids_of(s->list_runs(f)) == ids{"r6", "r5", "r1"});

  f = {};
  f.kind = "agents";
  f.status = run_status::completed;
  CHECK(ids_of(s->list_runs(f)) == ids{"r1"});

  f = {};
  f.session_id = "s2";
  f.kind = "teams";
  f.component_id = "squad";
  f.status = run_status::pending;
  CHECK(ids_of(s->list_runs(f)) == ids{"r3"});

  f = {};
  f.session_id = "s9";
  CHECK(s->list_runs(f).empty());

  // Pages of two cover every run exactly once, in order.
  f = {};
  f.limit = 2;
  CHECK(ids_of(s->list_runs(f)) == ids{"r6", "r5"});
  f.offset = 2;
  CHECK(ids_of(s->list_runs(f)) == ids{"r4", "r3"});
  f.offset = 4;
  CHECK(ids_of(s->list_runs(f)) == ids{"r2", "r1"});
  f.offset = 6;
  CHECK(s->list_runs(f).empty());

  // Paging applies after filtering.
  f = {};
  f.status = run_status::completed;
  f.limit = 1;
  f.offset = 1;
  CHECK(ids_of(s->list_runs(f)) == ids{"r5"});
}

void unfinished_runs_by_owner(store_backend& backend) {
  auto s = backend.open();
  auto add = [&](const std::string& id, const std::string& owner, run_status status) {
    auto run = sample_run(id);
    run.owner_node = owner;
    run.status = status;
    s->create_run(run);
  };
  add("a-pending", "node-a", run_status::pending);
  add("a-running", "node-a", run_status::running);
  add("a-completed", "node-a", run_status::completed);
  add("a-error", "node-a", run_status::error);
  add("a-cancelled", "node-a", run_status::cancelled);
  add("a-paused", "node-a", run_status::paused);
  add("b-running", "node-b", run_status::running);

  using ids = std::vector<std::string>;
  CHECK(sorted(ids_of(s->unfinished_runs("node-a"))) == ids{"a-pending", "a-running"});
  CHECK(ids_of(s->unfinished_runs("node-b")) == ids{"b-running"});
  CHECK(s->unfinished_runs("node-c").empty());

  REQUIRE(s->update_run_status("a-running", run_status::completed, std::string{"done"},
                               std::nullopt, 1700000009.0));
  auto left = s->unfinished_runs("node-a");
  REQUIRE(left.size() == 1);
  CHECK(left[0].run_id == "a-pending");
  CHECK(left[0].owner_node == "node-a");
  CHECK(left[0].status == run_status::pending);
}

void reopening_keeps_data(store_backend& backend) {
  auto run = sample_run("run-1");
  {
    auto s = backend.open();
    s->create_run(run);
    s->append_events(sample_events("run-1", 0, 3));
    REQUIRE(s->update_run_status("run-1", run_status::completed, std::string{"result"},
                                 std::nullopt, 1700000003.0));
  }
  run.status = run_status::completed;
  run.content = "result";
  run.updated_at = 1700000003.0;

  auto s = backend.open();
  auto found = s->find_run("run-1");
  REQUIRE(found);
  check_same_run(*found, run);
  CHECK(s->next_event_index("run-1") == 3);
  auto events = s->load_events("run-1", 0, 100);
  REQUIRE(events.size() == 3);
  for (int64_t i = 0; i < 3; ++i)
    check_same_event(events[static_cast<size_t>(i)], sample_event("run-1", i));

  // The reopened store still takes writes, and they survive another reopen.
  s->create_run(sample_run("run-2"));
  s.reset();
  s = backend.open();
  CHECK(s->find_run("run-2"));
  CHECK(s->list_runs({}).size() == 2);
}

void concurrent_writers_all_land(store_backend& backend) {
  constexpr int writers = 4;
  constexpr int batches = 100;
  constexpr int batch_size = 8;
  constexpr int64_t per_run = int64_t{batches} * batch_size;

  auto s = backend.open();
  // Catch2 v2 assertions are not thread-safe: threads only record failures, and the main
  // thread asserts after joining.
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  // All writers wait at a gate and start together, so their calls really overlap.
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      ready.fetch_add(1);
      while (ready.load() < writers)
        std::this_thread::yield();
      try {
        const auto run_id = "run-" + std::to_string(w);
        s->create_run(sample_run(run_id, 1700000000.0 + w));
        s->update_run_status(run_id, run_status::running, std::nullopt, std::nullopt,
                             1700000100.0);
        for (int b = 0; b < batches; ++b) {
          s->append_events(sample_events(run_id, int64_t{b} * batch_size, batch_size));
          // Reads interleave with the other threads' writes.
          if (s->next_event_index(run_id) != int64_t{b + 1} * batch_size)
            throw std::runtime_error(run_id + ": count after batch " + std::to_string(b));
        }
        // A retry of the last batch, racing the others, must not duplicate.
        s->append_events(sample_events(run_id, per_run - batch_size, batch_size));
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock{errors_mutex};
        errors.emplace_back(e.what());
      }
    });
  }
  for (auto& t : threads)
    t.join();

  CAPTURE(errors);
  REQUIRE(errors.empty());
  CHECK(s->list_runs({}).size() == static_cast<size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    const auto run_id = "run-" + std::to_string(w);
    CAPTURE(run_id);
    CHECK(s->next_event_index(run_id) == per_run);
    auto events = s->load_events(run_id, 0, 1000);
    REQUIRE(events.size() == static_cast<size_t>(per_run));
    for (int64_t i = 0; i < per_run; ++i)
      REQUIRE(events[static_cast<size_t>(i)].index == i);
    CHECK(events.back().data == event_data(run_id, per_run - 1));
    auto run = s->find_run(run_id);
    REQUIRE(run);
    CHECK(run->status == run_status::running);
  }
}

} // namespace runcast::test::store_suite
