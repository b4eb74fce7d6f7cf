#include "actors/store_worker.hpp"

#include "actors/type_ids.hpp"
#include "persistence/store.hpp"
#include "tests/support/deterministic_system.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace runcast;
using namespace runcast::actors;

namespace {

pending_batch batch_of(const std::string& run_id, int64_t n) {
  std::vector<pending_event> events;
  for (int64_t i = 0; i < n; ++i) {
    auto data = "{\"i\":" + std::to_string(i) + "}";
    auto frame = encode_event_frame(i, "RunContent", data);
    // id: <i>\nevent: RunContent\ndata: <data>\n\n
    auto type_at = static_cast<uint32_t>(frame.find("RunContent"));
    auto data_at = static_cast<uint32_t>(frame.find("data: ") + 6);
    events.push_back({make_frame(frame), i, 0,
                      {type_at, 10, data_at, static_cast<uint32_t>(data.size())}});
  }
  return {run_id, std::make_shared<const std::vector<pending_event>>(std::move(events))};
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
                                         pending_batch{}))>
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
  // What is stored is read out of the frames: type and data, byte for byte.
  auto stored = fx.db->load_events("b", 0, 10);
  REQUIRE(stored.size() == 3);
  CHECK(stored[2].type == "RunContent");
  CHECK(stored[2].data == "{\"i\":2}");
  CHECK(stored[2].run_id == "b");
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

namespace {

persistence::run_record record_of(const std::string& run_id) {
  persistence::run_record r;
  r.run_id = run_id;
  r.session_id = "s-" + run_id;
  r.kind = "agents";
  r.component_id = "echo";
  r.created_at = r.updated_at = 1700000000;
  return r;
}

} // namespace

TEST_CASE("store worker: creates, appends and statuses that wait together are one group") {
  worker_fixture fx;
  store_actor store = fx.worker;
  fx.db->create_run(record_of("old"));
  auto c1 = fx.self->request(store, caf::infinite, create_atom::value, record_of("r1"));
  auto c2 = fx.self->request(store, caf::infinite, create_atom::value, record_of("r2"));
  auto ev = fx.self->request(store, caf::infinite, append_atom::value, batch_of("old", 2));
  auto st = fx.self->request(store, caf::infinite, status_atom::value, std::string{"old"},
                             run_outcome{run_status::completed, std::string{"out"}});
  for (int i = 0; i < 4; ++i)
    fx.sched.run_once(); // the four writes only queue
  CHECK_FALSE(fx.db->find_run("r1"));
  fx.sched.run_once(); // the one flush behind them writes them all
  CHECK(fx.db->find_run("r1"));
  CHECK(fx.db->find_run("r2"));
  CHECK(fx.db->next_event_index("old") == 2);
  CHECK(fx.db->find_run("old")->status == run_status::completed);
  fx.run();
  auto fail = [](caf::error& err) { FAIL(caf::to_string(err)); };
  int created = 0;
  bool moved = false;
  int64_t written = 0;
  c1.receive([&](bool ok) { created += ok; }, fail);
  c2.receive([&](bool ok) { created += ok; }, fail);
  ev.receive([&](int64_t n) { written = n; }, fail);
  st.receive([&](bool ok) { moved = ok; }, fail);
  CHECK(created == 2);
  CHECK(written == 2);
  CHECK(moved);
}

TEST_CASE("store worker: a bad write in a group fails alone and the others are stored") {
  worker_fixture fx;
  store_actor store = fx.worker;
  fx.db->create_run(record_of("taken"));
  auto good = fx.self->request(store, caf::infinite, create_atom::value, record_of("fresh"));
  auto bad = fx.self->request(store, caf::infinite, create_atom::value, record_of("taken"));
  auto ev = fx.self->request(store, caf::infinite, append_atom::value, batch_of("fresh", 3));
  fx.run();
  CHECK(fx.db->find_run("fresh"));
  CHECK(fx.db->next_event_index("fresh") == 3);
  bool good_ok = false;
  std::string bad_error;
  int64_t written = 0;
  good.receive([&](bool ok) { good_ok = ok; }, [](caf::error& err) { FAIL(caf::to_string(err)); });
  bad.receive([](bool) { FAIL("a duplicate run id was accepted"); },
              [&](caf::error& err) { bad_error = caf::to_string(err); });
  ev.receive([&](int64_t n) { written = n; }, [](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(good_ok);
  CHECK(bad_error.find("exists already") != std::string::npos);
  CHECK(written == 3);
}

TEST_CASE("store worker: a streak of failed calls is logged when it begins and when it ends") {
  // While the store is down every live run's write fails again at each retry: one line each
  // would flood the log. Captured from spdlog's default logger, restored afterwards.
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  spdlog::set_level(spdlog::level::info);
  std::vector<std::string> lines;
  {
    worker_fixture fx;
    store_actor store = fx.worker;
    fx.db->create_run(record_of("taken"));
    int refused = 0;
    for (int i = 0; i < 3; ++i) { // each alone in its group, each refused
      auto bad = fx.self->request(store, caf::infinite, create_atom::value, record_of("taken"));
      fx.run();
      bad.receive([](bool) { FAIL("a duplicate run id was accepted"); },
                  [&](caf::error&) { ++refused; });
    }
    auto ev = fx.self->request(store, caf::infinite, append_atom::value, batch_of("taken", 1));
    fx.run();
    ev.receive([](int64_t) {}, [](caf::error& err) { FAIL(caf::to_string(err)); });
    CHECK(refused == 3);
    lines = sink->last_formatted();
  }
  spdlog::set_default_logger(previous);
  auto count = [&](const std::string& text) {
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find(text) != std::string::npos;
    });
  };
  CHECK(count("create run failed") == 1);
  CHECK(count("calls succeed again, after 3 that failed") == 1);
}
