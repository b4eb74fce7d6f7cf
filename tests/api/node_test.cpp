// The public API (include/runcast/) in-process: a node on SQLite with a plain function and an
// actor runnable registered in code, runs started, followed from any index by callback and by
// actor messages, cancelled, found — in an actor system the node owns and in the caller's.

#include <runcast/runcast.hpp>

#include "tests/support/temp_dir.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// What a callback subscription received, waited for with a deadline.
struct collector {
  std::mutex m;
  std::condition_variable cv;
  std::vector<runcast::run_event> events;
  std::optional<runcast::subscription_end> end;

  runcast::event_handler handler() {
    runcast::event_handler h;
    h.on_event = [this](const runcast::run_event& e) {
      std::lock_guard<std::mutex> lock{m};
      events.push_back(e);
      cv.notify_all();
    };
    h.on_end = [this](const runcast::subscription_end& e) {
      std::lock_guard<std::mutex> lock{m};
      end = e;
      cv.notify_all();
    };
    return h;
  }

  /// Waits for the end (or `n` events when n > 0); false on timeout.
  bool wait(size_t n = 0) {
    std::unique_lock<std::mutex> lock{m};
    return cv.wait_for(lock, 20s, [&] { return n > 0 ? events.size() >= n : end.has_value(); });
  }
};

template <class T>
T await(std::function<void(std::function<void(runcast::outcome<T>)>)> call) {
  std::promise<runcast::outcome<T>> p;
  call([&p](runcast::outcome<T> r) { p.set_value(std::move(r)); });
  auto f = p.get_future();
  REQUIRE(f.wait_for(20s) == std::future_status::ready);
  auto r = f.get();
  INFO((r ? std::string{} : r.error().detail));
  REQUIRE(r);
  return std::move(*r);
}

runcast::run_record start(runcast::node& n, std::string component, std::string message,
                          nlohmann::json params = nlohmann::json::object()) {
  runcast::run_request req;
  req.component_id = std::move(component);
  req.message = std::move(message);
  req.params = std::move(params);
  return await<runcast::run_record>([&](auto done) { n.start(req, done); });
}

/// Follows `run` after index `after` into `c` until the subscription ends; it must end well.
void follow_to_end(runcast::node& n, const runcast::run_record& run, int64_t after,
                   collector& c) {
  auto sub = n.subscribe(run.run_id, run.session_id, after, c.handler());
  REQUIRE(c.wait());
  REQUIRE(c.end->ok);
}

runcast::components test_components() {
  runcast::components c;
  c.function("shout", [](runcast::function_run& run) {
    std::string out;
    for (char ch : run.info().message)
      out += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    run.emit(out);
    return out;
  });
  c.function("slow", [](runcast::function_run& run) {
    for (int i = 0; i < 2000 && !run.cancelled(); ++i) {
      run.emit("tick " + std::to_string(i));
      std::this_thread::sleep_for(5ms);
    }
    return std::string{"never reached in the test"};
  });
  c.function("many", [](runcast::function_run& run) {
    for (int i = 0; i < 3000; ++i) // more than a subscriber's window (1,024)
      run.emit("event " + std::to_string(i));
    return std::string{"done"};
  });
  c.function("broken", [](runcast::function_run&) -> std::string {
    throw std::runtime_error("the function broke");
  });
  c.agent("shouter", "Shouter", "shout").agent("slow", "Slow", "slow");
  c.agent("broken", "Broken", "broken").agent("many", "Many", "many");
  return c;
}

runcast::options test_options(const runcast::test::temp_dir& dir) {
  runcast::options o;
  o.store = "sqlite:" + dir.file("api.db").string();
  o.worker_threads = 2;
  return o;
}

} // namespace

TEST_CASE("api: a function agent runs and is followed from the start and from an index") {
  runcast::test::temp_dir dir{"api-node"};
  runcast::node n{test_options(dir), test_components()};
  auto run = start(n, "shouter", "hello there");
  collector all;
  follow_to_end(n, run, -1, all);
  REQUIRE(all.events.size() == 3);
  CHECK(all.events[0].type == "RunStarted");
  CHECK(all.events[1].type == "RunContent");
  CHECK(nlohmann::json::parse(all.events[1].data)["content"] == "HELLO THERE");
  CHECK(all.events[2].type == "RunCompleted");
  for (size_t i = 0; i < all.events.size(); ++i)
    CHECK(all.events[i].index == static_cast<int64_t>(i));

  collector tail;
  follow_to_end(n, run, 1, tail);
  REQUIRE(tail.events.size() == 1);
  CHECK(tail.events[0].data == all.events[2].data); // the same bytes

  auto found = await<runcast::run_record>(
    [&](auto done) { n.find(run.run_id, run.session_id, done); });
  CHECK(found.content == std::optional<std::string>{"HELLO THERE"});
}

TEST_CASE("api: a finished run longer than a window is followed again to its end") {
  runcast::test::temp_dir dir{"api-node"};
  runcast::node n{test_options(dir), test_components()};
  auto run = start(n, "many", "go");
  collector first;
  follow_to_end(n, run, -1, first);
  // Over now, and held in memory: this one reads the run's frames from within subscribe,
  // before the subscription is attached; its credits must still move the window.
  collector again;
  follow_to_end(n, run, -1, again);
  REQUIRE(again.events.size() == 3002); // RunStarted, 3,000 contents, RunCompleted
  for (size_t i = 0; i < again.events.size(); ++i)
    CHECK(again.events[i].index == static_cast<int64_t>(i));
}

TEST_CASE("api: a wrong session is not found and a throwing function fails its run") {
  runcast::test::temp_dir dir{"api-node"};
  runcast::node n{test_options(dir), test_components()};
  auto run = start(n, "broken", "x");
  collector wrong;
  auto sub = n.subscribe(run.run_id, "another-session", -1, wrong.handler());
  REQUIRE(wrong.wait());
  CHECK_FALSE(wrong.end->ok);
  CHECK(wrong.events.empty());
  CHECK_THAT(wrong.end->error, Catch::Contains("not found"));

  collector right;
  auto sub2 = n.subscribe(run.run_id, run.session_id, -1, right.handler());
  REQUIRE(right.wait());
  REQUIRE_FALSE(right.events.empty());
  CHECK(right.events.back().type == "RunError");
  CHECK_THAT(right.events.back().data, Catch::Contains("the function broke"));
}

TEST_CASE("api: a cancel stops a function that checks cancelled and ends CANCELLED") {
  runcast::test::temp_dir dir{"api-node"};
  runcast::node n{test_options(dir), test_components()};
  auto run = start(n, "slow", "x");
  collector live;
  auto sub = n.subscribe(run.run_id, run.session_id, -1, live.handler());
  REQUIRE(live.wait(5)); // started and a few ticks
  CHECK(await<bool>([&](auto done) { n.cancel(run.run_id, run.session_id, done); }));
  REQUIRE(live.wait());
  CHECK(live.events.back().type == "RunCancelled");
  auto found = await<runcast::run_record>(
    [&](auto done) { n.find(run.run_id, run.session_id, done); });
  CHECK(found.status == runcast::run_status::cancelled);
}

TEST_CASE("api: a node in the caller's actor system delivers events to the caller's actor") {
  runcast::test::temp_dir dir{"api-node"};
  auto opts = test_options(dir);
  caf::actor_system_config cfg;
  runcast::configure(cfg, opts);
  caf::actor_system sys{cfg};
  {
    runcast::node n{sys, opts, test_components()};
    auto run = start(n, "shouter", "to an actor");
    // The caller's actor: collects the events it is sent, then the end.
    std::promise<std::vector<std::string>> got;
    auto receiver = sys.spawn([&got](caf::event_based_actor* self) {
      auto types = std::make_shared<std::vector<std::string>>();
      return caf::behavior{
        [types](const runcast::run_event& e) { types->push_back(e.type); },
        [self, types, &got](const runcast::subscription_end& end) {
          types->push_back(end.ok ? "end ok" : "end error");
          got.set_value(*types);
          self->quit();
        },
      };
    });
    auto sub = n.subscribe(run.run_id, run.session_id, -1, receiver);
    auto f = got.get_future();
    REQUIRE(f.wait_for(20s) == std::future_status::ready);
    CHECK(f.get()
          == std::vector<std::string>{"RunStarted", "RunContent", "RunCompleted", "end ok"});
    CHECK(n.shutdown(5s));
  }
  // The node stopped its actors, not the caller's system: it still runs actors.
  auto echo = sys.spawn([]() -> caf::behavior { return {[](int x) { return x + 1; }}; });
  caf::scoped_actor self{sys};
  int answer = 0;
  self->request(echo, 5s, 41).receive([&](int r) { answer = r; }, [](caf::error&) {});
  CHECK(answer == 42);
}
