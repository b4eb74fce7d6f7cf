#include "tests/persistence/store_suite.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace runcast::test::store_suite {

using persistence::run_filter;
using persistence::run_record;
using persistence::session_filter;
using persistence::session_page;
using persistence::session_record;
using persistence::store_error;

namespace {

run_record sample_run(const std::string& run_id, double created_at = 1700000000.125) {
  run_record run;
  run.run_id = run_id;
  run.session_id = "session-1";
  run.user_id = "user-1";
  run.kind = "agents";
  run.component_id = "echo";
  run.owner_node = "node-a";
  run.input = "hello";
  run.params_json = R"({"stream":true})";
  run.created_at = created_at;
  run.updated_at = created_at;
  return run;
}

std::string event_data(const std::string& run_id, int64_t index) {
  // Quotes, non-ASCII text and a newline escape: data must come back byte for byte.
  return R"({"event":"RunContent","run_id":")" + run_id + R"(","index":)"
         + std::to_string(index) + R"(,"content":"héllo \"wörld\"\n"})";
}

stored_event sample_event(const std::string& run_id, int64_t index) {
  stored_event event;
  event.run_id = run_id;
  event.index = index;
  event.type = index == 0 ? event_types::run_started : event_types::run_content;
  event.data = event_data(run_id, index);
  event.created_at = 1700000000.5 + static_cast<double>(index) / 1024;
  return event;
}

std::vector<stored_event> sample_events(const std::string& run_id, int64_t first,
                                        int64_t count) {
  std::vector<stored_event> events;
  for (int64_t i = first; i < first + count; ++i)
    events.push_back(sample_event(run_id, i));
  return events;
}

void check_same_run(const run_record& actual, const run_record& expected) {
  CHECK(actual.run_id == expected.run_id);
  CHECK(actual.session_id == expected.session_id);
  CHECK(actual.user_id == expected.user_id);
  CHECK(actual.kind == expected.kind);
  CHECK(actual.component_id == expected.component_id);
  CHECK(actual.owner_node == expected.owner_node);
  CHECK(actual.input == expected.input);
  CHECK(actual.params_json == expected.params_json);
  CHECK(actual.status == expected.status);
  CHECK(actual.content == expected.content);
  CHECK(actual.error == expected.error);
  CHECK(actual.created_at == expected.created_at);
  CHECK(actual.updated_at == expected.updated_at);
}

void check_same_event(const stored_event& actual, const stored_event& expected) {
  CHECK(actual.run_id == expected.run_id);
  CHECK(actual.index == expected.index);
  CHECK(actual.type == expected.type);
  CHECK(actual.data == expected.data);
  CHECK(actual.created_at == expected.created_at);
}

std::vector<std::string> ids_of(const std::vector<run_record>& runs) {
  std::vector<std::string> ids;
  for (const auto& run : runs)
    ids.push_back(run.run_id);
  return ids;
}

std::vector<std::string> ids_of(const session_page& page) {
  std::vector<std::string> ids;
  for (const auto& session : page.sessions)
    ids.push_back(session.session_id);
  return ids;
}

/// Adds a run with the given session fields and returns it.
run_record add_session_run(persistence::store& s, const std::string& run_id,
                           const std::string& session_id, double created_at,
                           const std::string& kind = "agents",
                           const std::string& component_id = "echo",
                           const std::string& user_id = "user-1") {
  auto run = sample_run(run_id, created_at);
  run.session_id = session_id;
  run.kind = kind;
  run.component_id = component_id;
  run.user_id = user_id;
  s.create_run(run);
  return run;
}

std::vector<int64_t> indices_of(const std::vector<stored_event>& events) {
  std::vector<int64_t> indices;
  for (const auto& event : events)
    indices.push_back(event.index);
  return indices;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

} // namespace

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
  REQUIRE(s->count_events("run-1") == 3);

  // A retried batch overlapping what landed: existing indices are skipped (the first write
  // wins), new ones are added.
  auto retried = sample_events("run-1", 1, 4);
  for (auto& event : retried)
    event.data = "retry";
  s->append_events(retried);
  CHECK(s->count_events("run-1") == 5);

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
  CHECK(s->count_events("run-1") == 5);
  CHECK(s->load_events("run-1", 0, 100).size() == 5);
}

void count_events_per_run(store_backend& backend) {
  auto s = backend.open();
  s->create_run(sample_run("run-a"));
  s->create_run(sample_run("run-b"));
  CHECK(s->count_events("run-a") == 0);

  s->append_events(sample_events("run-a", 0, 10));
  s->append_events(sample_events("run-b", 0, 3));
  CHECK(s->count_events("run-a") == 10);
  CHECK(s->count_events("run-b") == 3);
  CHECK(s->count_events("nobody") == 0);

  // It counts what is stored, not the highest index + 1.
  s->append_events({sample_event("run-b", 100)});
  CHECK(s->count_events("run-b") == 4);
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
  CHECK(s->count_events("run-1") == 3);
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
          if (s->count_events(run_id) != int64_t{b + 1} * batch_size)
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
    CHECK(s->count_events(run_id) == per_run);
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

void create_run_creates_and_updates_sessions(store_backend& backend) {
  auto s = backend.open();
  CHECK_FALSE(s->find_session("s1"));

  add_session_run(*s, "r1", "s1", 100.0, "agents", "echo", "alice");
  auto session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->session_id == "s1");
  CHECK(session->user_id == "alice");
  CHECK(session->kind == "agents");
  CHECK(session->component_id == "echo");
  CHECK(session->created_at == 100.0);
  CHECK(session->updated_at == 100.0);
  CHECK(session->run_count == 1);

  // A second run moves updated_at to its created_at; the session keeps its creator's fields.
  add_session_run(*s, "r2", "s1", 250.5, "teams", "squad", "bob");
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->user_id == "alice");
  CHECK(session->kind == "agents");
  CHECK(session->component_id == "echo");
  CHECK(session->created_at == 100.0);
  CHECK(session->updated_at == 250.5);
  CHECK(session->run_count == 2);

  // Another session's runs are counted there, not here.
  add_session_run(*s, "r3", "s2", 300.0);
  add_session_run(*s, "r4", "s2", 310.0);
  add_session_run(*s, "r5", "s2", 320.0);
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->run_count == 2);
  CHECK(session->updated_at == 250.5);
  auto other = s->find_session("s2");
  REQUIRE(other);
  CHECK(other->run_count == 3);
  CHECK(other->created_at == 300.0);
  CHECK(other->updated_at == 320.0);

  // A run's status changing is not a run being added.
  REQUIRE(s->update_run_status("r2", run_status::completed, std::string{"done"}, std::nullopt,
                               400.0));
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->updated_at == 250.5);

  // A rejected duplicate run neither moves an existing session nor creates a new one.
  auto clash = sample_run("r2", 999.0);
  clash.session_id = "s1";
  CHECK_THROWS_AS(s->create_run(clash), store_error);
  clash.session_id = "s-new";
  CHECK_THROWS_AS(s->create_run(clash), store_error);
  session = s->find_session("s1");
  REQUIRE(session);
  CHECK(session->updated_at == 250.5);
  CHECK(session->run_count == 2);
  CHECK_FALSE(s->find_session("s-new"));
  CHECK_FALSE(s->find_session("missing"));
}

void list_sessions_filters(store_backend& backend) {
  auto s = backend.open();
  add_session_run(*s, "r1", "s1", 100.0, "agents", "echo", "alice");
  add_session_run(*s, "r2", "s2", 200.0, "agents", "writer", "bob");
  add_session_run(*s, "r3", "s3", 300.0, "teams", "squad", "alice");
  add_session_run(*s, "r4", "s4", 400.0, "workflows", "flow", "carol");
  add_session_run(*s, "r5", "s5", 500.0, "agents", "echo", "bob");
  // A later run of another kind, component and user does not change how s1 is filtered.
  add_session_run(*s, "r6", "s1", 600.0, "teams", "squad", "carol");

  using ids = std::vector<std::string>;
  auto page = s->list_sessions({});
  CHECK(ids_of(page) == ids{"s5", "s4", "s3", "s2", "s1"});
  CHECK(page.total_count == 5);
  REQUIRE(page.sessions.size() == 5);
  CHECK(page.sessions.back().run_count == 2);
  CHECK(page.sessions.back().updated_at == 600.0);
  CHECK(page.sessions.front().run_count == 1);

  session_filter f;
  f.kind = "agents";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s5", "s2", "s1"});
  CHECK(page.total_count == 3);

  f = {};
  f.component_id = "echo";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s5", "s1"});
  CHECK(page.total_count == 2);

  f = {};
  f.user_id = "alice";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s3", "s1"});
  CHECK(page.total_count == 2);

  f = {};
  f.user_id = "carol";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s4"});
  CHECK(page.total_count == 1);

  // Filters combine with AND.
  f = {};
  f.kind = "agents";
  f.user_id = "bob";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s5", "s2"});
  CHECK(page.total_count == 2);

  f = {};
  f.kind = "agents";
  f.component_id = "echo";
  f.user_id = "alice";
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s1"});
  CHECK(page.total_count == 1);

  f = {};
  f.kind = "teams";
  f.component_id = "echo";
  page = s->list_sessions(f);
  CHECK(page.sessions.empty());
  CHECK(page.total_count == 0);

  f = {};
  f.user_id = "nobody";
  page = s->list_sessions(f);
  CHECK(page.sessions.empty());
  CHECK(page.total_count == 0);

  // total_count counts every match, not just the page.
  f = {};
  f.kind = "agents";
  f.limit = 1;
  f.page = 2;
  page = s->list_sessions(f);
  CHECK(ids_of(page) == ids{"s2"});
  CHECK(page.total_count == 3);
}

void list_sessions_pages(store_backend& backend) {
  constexpr int sessions = 25;
  auto s = backend.open();
  // Sessions s-00 … s-24 in groups of three sharing created_at, so page boundaries fall
  // inside groups of ties; inserted in reverse id order so the order is the store's doing.
  std::vector<std::string> expected; // newest first, ties by session_id descending
  for (int i = sessions - 1; i >= 0; --i) {
    const std::string id = (i < 10 ? "s-0" : "s-") + std::to_string(i);
    add_session_run(*s, "run-" + id, id, 1000.0 + i / 3);
    expected.push_back(id);
  }

  session_filter f;
  f.limit = 10;
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  for (f.page = 1; f.page <= 3; ++f.page) {
    auto page = s->list_sessions(f);
    CAPTURE(f.page);
    CHECK(page.total_count == sessions);
    sizes.push_back(page.sessions.size());
    for (const auto& id : ids_of(page))
      seen.push_back(id);
  }
  CHECK(sizes == std::vector<size_t>{10, 10, 5});
  // Concatenated pages are the whole ordered list: no overlap, no gap.
  CHECK(seen == expected);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == size_t{sessions});

  auto past_end = s->list_sessions(f); // page 4
  CHECK(past_end.sessions.empty());
  CHECK(past_end.total_count == sessions);
  f.page = 1000;
  past_end = s->list_sessions(f);
  CHECK(past_end.sessions.empty());
  CHECK(past_end.total_count == sessions);

  // A page size that divides nothing evenly, ascending this time.
  f = {};
  f.limit = 7;
  f.descending = false;
  std::vector<std::string> ascending;
  for (f.page = 1; f.page <= 4; ++f.page) {
    auto page = s->list_sessions(f);
    CHECK(page.total_count == sessions);
    CHECK(page.sessions.size() == (f.page < 4 ? 7u : 4u));
    for (const auto& id : ids_of(page))
      ascending.push_back(id);
  }
  CHECK(ascending == std::vector<std::string>(expected.rbegin(), expected.rend()));

  // One session per page.
  f = {};
  f.limit = 1;
  f.page = 25;
  auto last = s->list_sessions(f);
  CHECK(ids_of(last) == std::vector<std::string>{"s-00"});
  CHECK(last.total_count == sessions);
}

void list_sessions_sort_keys_and_directions(store_backend& backend) {
  auto s = backend.open();
  // created_at: a 100, b 200, c 200, d 300 (b and c tie);
  // updated_at: b 200, c 300, a 400, d 400 (a and d tie). Each key orders them differently.
  add_session_run(*s, "d1", "d", 300.0);
  add_session_run(*s, "b1", "b", 200.0);
  add_session_run(*s, "a1", "a", 100.0);
  add_session_run(*s, "c1", "c", 200.0);
  add_session_run(*s, "c2", "c", 300.0);
  add_session_run(*s, "a2", "a", 400.0);
  add_session_run(*s, "d2", "d", 400.0);

  using ids = std::vector<std::string>;
  auto list = [&](const std::string& sort_by, bool descending) {
    session_filter f;
    f.sort_by = sort_by;
    f.descending = descending;
    auto page = s->list_sessions(f);
    CHECK(page.total_count == 4);
    return ids_of(page);
  };
  // Ties go by session_id in the sort's direction: asc and desc cannot both match the
  // insertion order.
  CHECK(list("created_at", true) == ids{"d", "c", "b", "a"});
  CHECK(list("created_at", false) == ids{"a", "b", "c", "d"});
  CHECK(list("updated_at", true) == ids{"d", "a", "c", "b"});
  CHECK(list("updated_at", false) == ids{"b", "c", "a", "d"});
  // The default is newest created first.
  CHECK(ids_of(s->list_sessions({})) == ids{"d", "c", "b", "a"});

  // Paging through a tie keeps the tie-break.
  session_filter f;
  f.sort_by = "updated_at";
  f.limit = 1;
  f.page = 2;
  CHECK(ids_of(s->list_sessions(f)) == ids{"a"});
  f.descending = false;
  f.page = 4;
  CHECK(ids_of(s->list_sessions(f)) == ids{"d"});

  // Anything else is refused, never passed on to the database.
  f = {};
  f.sort_by = "session_id";
  CHECK_THROWS_AS(s->list_sessions(f), std::invalid_argument);
  f.sort_by = "created_at; DROP TABLE sessions";
  CHECK_THROWS_AS(s->list_sessions(f), std::invalid_argument);
  f.sort_by = "";
  CHECK_THROWS_AS(s->list_sessions(f), std::invalid_argument);
  CHECK(s->list_sessions({}).total_count == 4);
}

void delete_session_removes_its_runs_and_events_only(store_backend& backend) {
  auto s = backend.open();
  add_session_run(*s, "r1", "s1", 100.0);
  add_session_run(*s, "r2", "s1", 110.0);
  add_session_run(*s, "r3", "s2", 120.0);
  add_session_run(*s, "r4", "s3", 130.0);
  s->append_events(sample_events("r1", 0, 4));
  s->append_events(sample_events("r2", 0, 2));
  s->append_events(sample_events("r3", 0, 3));
  s->append_events(sample_events("r4", 0, 1));

  CHECK(s->delete_session("s1"));
  CHECK_FALSE(s->find_session("s1"));
  CHECK_FALSE(s->find_run("r1"));
  CHECK_FALSE(s->find_run("r2"));
  CHECK(s->count_events("r1") == 0);
  CHECK(s->count_events("r2") == 0);
  CHECK(s->load_events("r1", 0, 100).empty());
  run_filter in_s1;
  in_s1.session_id = "s1";
  CHECK(s->list_runs(in_s1).empty());

  // The other sessions, their runs and events are untouched.
  auto s2 = s->find_session("s2");
  REQUIRE(s2);
  CHECK(s2->run_count == 1);
  CHECK(s2->updated_at == 120.0);
  CHECK(s->find_run("r3"));
  CHECK(s->find_run("r4"));
  CHECK(s->count_events("r3") == 3);
  CHECK(s->count_events("r4") == 1);
  auto events = s->load_events("r3", 0, 100);
  REQUIRE(events.size() == 3);
  check_same_event(events[2], sample_event("r3", 2));
  auto rest = s->list_sessions({});
  CHECK(ids_of(rest) == std::vector<std::string>{"s3", "s2"});
  CHECK(rest.total_count == 2);
  CHECK(s->list_runs({}).size() == 2);

  // Unknown and already-deleted sessions report false and delete nothing.
  CHECK_FALSE(s->delete_session("s1"));
  CHECK_FALSE(s->delete_session("missing"));
  CHECK(s->list_sessions({}).total_count == 2);
  CHECK(s->count_events("r3") == 3);

  // The ids are free again: a new run may reuse a deleted run's id, starts a fresh session,
  // and inherits none of the old events.
  add_session_run(*s, "r1", "s1", 200.0);
  auto again = s->find_session("s1");
  REQUIRE(again);
  CHECK(again->run_count == 1);
  CHECK(again->created_at == 200.0);
  CHECK(s->count_events("r1") == 0);
}

} // namespace runcast::test::store_suite
