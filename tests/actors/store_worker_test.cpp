#include "actors/store_worker.hpp"

#include "actors/type_ids.hpp"
#include "persistence/store.hpp"
#include "tests/support/deterministic_system.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace runcast;
using namespace runcast::actors;

namespace {

event_batch batch_of(const std::string& run_id, int64_t n) {
  event_batch b;
  for (int64_t i = 0; i < n; ++i)
    b.events.push_back({run_id, i, "RunContent", "{\"i\":" + std::to_string(i) + "}", 0});
  return b;
}

struct worker_fixture : test::deterministic_system {
  worker_fixture() {
    db = persistence::open_store("sqlite:" + dir.file("w.db").string());
    // Not detached: on the test scheduler its handlers run when the test says so.
    worker = sys.spawn(store_worker, db);
  }
  ~worker_fixture() {
    self->send_exit(worker, caf::exit_reason::user_shutdown);
    run();
  }
  test::temp_dir dir;
  std::shared_ptr<persistence::store> db;
  store_worker_actor worker;
};

} // namespace

TEST_CASE("store worker: appends of several runs that wait together are written in one group") {
  worker_fixture fx;
  store_actor store = fx.worker;
  std::vector<decltype(fx.self->request(store, caf::infinite, append_atom::value,
                                         event_batch{}))>
    handles;
  for (auto run : {"a", "b", "c"})
    handles.push_back(fx.self->request(store, caf::infinite, append_atom::value,
                                       batch_of(run, 3)));
  // The three appends are handled first; they only queue. Nothing is written yet.
  fx.sched.run_once();
  fx.sched.run_once();
  fx.sched.run_once();
  CHECK(fx.db->next_event_index("a") == 0);
  CHECK(fx.db->next_event_index("c") == 0);
  // The one flush behind them writes all three runs' events.
  fx.sched.run_once();
  CHECK(fx.db->next_event_index("a") == 3);
  CHECK(fx.db->next_event_index("b") == 3);
  CHECK(fx.db->next_event_index("c") == 3);
  fx.run();
  std::vector<int64_t> answers;
  for (auto& h : handles)
    h.receive([&](int64_t n) { answers.push_back(n); },
              [](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(answers == std::vector<int64_t>{3, 3, 3});
}

TEST_CASE("store worker: a group holds at most max_group_events events and the rest follow") {
  worker_fixture fx;
  store_actor store = fx.worker;
  auto big = static_cast<int64_t>(max_group_events);
  auto ha = fx.self->request(store, caf::infinite, append_atom::value, batch_of("a", big));
  auto hb = fx.self->request(store, caf::infinite, append_atom::value, batch_of("b", 5));
  fx.sched.run_once(); // append a
  fx.sched.run_once(); // append b
  fx.sched.run_once(); // flush: a only (b would pass the bound)
  CHECK(fx.db->next_event_index("a") == big);
  CHECK(fx.db->next_event_index("b") == 0);
  fx.run(); // the next flush writes b
  CHECK(fx.db->next_event_index("b") == 5);
  int64_t a = 0, b = 0;
  ha.receive([&](int64_t n) { a = n; }, [](caf::error& err) { FAIL(caf::to_string(err)); });
  hb.receive([&](int64_t n) { b = n; }, [](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(a == big);
  CHECK(b == 5);
}
