// The run manager and the runnable protocols on CAF's deterministic scheduler: every
// runnable shape started, cancelled, failed and shut down, message by message, against a
// real SQLite store.

#include "actors/run_manager.hpp"

#include "runnables/builtins.hpp"
#include "runnables/echo_runnable.hpp"
#include "actors/event_log.hpp"
#include "actors/run_context.hpp"
#include "actors/runnable_registry.hpp"
#include "core/component_registry.hpp"
#include "actors/store_worker.hpp"
#include "core/event_names.hpp"
#include "persistence/store.hpp"
#include "tests/actors/manager_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <caf/all.hpp>
#include <catch2/catch.hpp>

using namespace runcast;
using namespace runcast::actors;
using namespace std::chrono_literals;
using runcast::test::idle_runnable;
using runcast::test::manager_fixture;

namespace {

/// An async runnable that emits `count` contents and completes, all inside start(): on the
/// caller's thread, so the test scheduler sees every hand-off.
struct burst_runnable : async_runnable {
  explicit burst_runnable(int n) : count(n) {
  }
  void start(std::shared_ptr<run_context> ctx) override {
    for (int i = 0; i < count; ++i)
      ctx->emit_content("burst " + std::to_string(i));
    ctx->complete("burst done");
    after_end = ctx->emit_content("too late");
  }
  int count;
  bool after_end = true;
};

/// A CAF actor runnable: publishes two events, then `done` — or dies first with `die`.
struct pair_runnable : actor_runnable {
  explicit pair_runnable(bool d) : die(d) {
  }
  runnable_actor spawn(caf::actor_system& sys) override {
    bool dies = die;
    return sys.spawn([dies](runnable_actor::pointer self) -> runnable_actor::behavior_type {
      return {
        [=](start_atom, const run_info& info, run_sink_actor sink) {
          self->send(sink, publish_atom::value,
                     draft_batch{{{info.names.content, "a"}, {info.names.content, "b"}}});
          if (dies)
            return self->quit(caf::exit_reason::user_shutdown);
          self->send(sink, done_atom::value,
                     run_outcome{run_status::completed, std::string{"ab"}, {}});
          self->quit();
        },
        [=](cancel_atom) { self->quit(); },
      };
    });
  }
  bool die;
};

/// An async runnable that runs `members` as child runs (agents "echo" with the words given)
/// one after the other, forwarding their contents tagged with the member, and completes
/// with the members' outputs joined.
struct sequence_runnable : async_runnable {
  explicit sequence_runnable(std::vector<std::string> m) : members(std::move(m)) {
  }
  void start(std::shared_ptr<run_context> ctx) override {
    next(std::move(ctx), 0, {});
  }
  void next(std::shared_ptr<run_context> ctx, size_t i, std::string joined) {
    if (i == members.size())
      return ctx->complete(joined);
    child_handler h;
    h.on_event = [ctx, i](event_draft& ev) {
      seen.push_back(ev.type);
      if (ev.type == "RunContent")
        ctx->emit_content("member" + std::to_string(i) + ": " + *ev.content);
      return true;
    };
    h.on_end = [this, ctx, i, joined](run_outcome o) {
      ends.push_back(o.status);
      if (o.status != run_status::completed)
        return ctx->fail("member " + std::to_string(i) + " did not complete");
      next(ctx, i + 1, joined + (joined.empty() ? "" : "|") + o.content.value_or(""));
    };
    ctx->start_child({"agents", component, members[i], {{"delay_ms", delay}}}, std::move(h));
  }
  std::vector<std::string> members;
  std::string delay = "0";
  std::string component = "echo";
  static inline std::vector<std::string> seen;
  std::vector<run_status> ends;
};

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("a step runnable's steps are timer-driven and its run completes with the kind's names") {
  manager_fixture fx;
  auto echo = std::make_shared<runnables::echo_runnable>("one two", 100ms, "TeamRunContent");
  fx.start(fx.spec("r1", echo, "teams"));
  // Nothing moves until the clock does: one word is out, the next waits on its timer.
  fx.advance(2ms); // the group commit
  CHECK(fx.stored("r1").second == strings{"TeamRunStarted", "TeamRunContent"});
  fx.advance(100ms);
  fx.advance(2ms);
  auto [run, types] = fx.stored("r1");
  CHECK(types == strings{"TeamRunStarted", "TeamRunContent", "TeamRunContent", "TeamRunCompleted"});
  CHECK(run.status == run_status::completed);
  CHECK(run.content == std::string{"one two"});
}

TEST_CASE("a cancel lands between two steps and ends the run CANCELLED") {
  manager_fixture fx;
  fx.start(fx.spec("r1", std::make_shared<runnables::echo_runnable>("a b c d", 1000ms)));
  CHECK(fx.cancel("r1") == cancel_result::cancelled);
  fx.advance(2ms);
  auto [run, types] = fx.stored("r1");
  CHECK(types == strings{"RunStarted", "RunContent", "RunCancelled"});
  CHECK(run.status == run_status::cancelled);
  CHECK(fx.cancel("r1") == cancel_result::finished);
  CHECK(fx.cancel("nope") == cancel_result::not_found);
}

TEST_CASE("an async producer's events arrive in one drain and nothing after its end is taken") {
  manager_fixture fx;
  auto body = std::make_shared<burst_runnable>(3);
  fx.start(fx.spec("r1", body));
  fx.advance(2ms);
  auto [run, types] = fx.stored("r1");
  CHECK(types == strings{"RunStarted", "RunContent", "RunContent", "RunContent", "RunCompleted"});
  CHECK(run.status == run_status::completed);
  CHECK(run.content == std::string{"burst done"});
  CHECK_FALSE(body->after_end);
}

TEST_CASE("a cancelled async producer is told through its context") {
  manager_fixture fx;
  auto body = std::make_shared<idle_runnable>();
  fx.start(fx.spec("r1", body));
  CHECK_FALSE(body->stopped);
  CHECK(fx.cancel("r1") == cancel_result::cancelled);
  CHECK(body->stopped);
  fx.advance(2ms);
  CHECK(fx.stored("r1").first.status == run_status::cancelled);
}

TEST_CASE("an actor runnable publishes through its sink and ends with done") {
  manager_fixture fx;
  fx.start(fx.spec("r1", std::make_shared<pair_runnable>(false)));
  fx.advance(2ms);
  auto [run, types] = fx.stored("r1");
  CHECK(types == strings{"RunStarted", "RunContent", "RunContent", "RunCompleted"});
  CHECK(run.content == std::string{"ab"});
}

TEST_CASE("an actor runnable that dies before done ends its run ERROR") {
  manager_fixture fx;
  fx.start(fx.spec("r1", std::make_shared<pair_runnable>(true)));
  fx.advance(2ms);
  auto [run, types] = fx.stored("r1");
  CHECK(types == strings{"RunStarted", "RunContent", "RunContent", "RunError"});
  CHECK(run.status == run_status::error);
  CHECK(run.error == std::string{"the runnable actor stopped before finishing"});
}

TEST_CASE("a runnable runs child runs, forwards their events and ends them with itself") {
  manager_fixture fx;
  sequence_runnable::seen.clear();
  auto body = std::make_shared<sequence_runnable>(std::vector<std::string>{"a b", "c"});
  fx.start(fx.spec("r1", body));
  fx.advance(2ms);
  auto [run, types] = fx.stored("r1");
  CHECK(types == strings{"RunStarted", "RunContent", "RunContent", "RunContent", "RunCompleted"});
  CHECK(run.content == std::string{"a b|c"});
  CHECK(sequence_runnable::seen
        == strings{"RunStarted", "RunContent", "RunContent", "RunCompleted", "RunStarted",
                   "RunContent", "RunCompleted"});
  auto events = fx.db->load_events("r1", 1, 3);
  REQUIRE(events.size() == 3);
  CHECK(events[0].data.find("member0: a ") != std::string::npos);
  CHECK(events[2].data.find("member1: c") != std::string::npos);

  // A parent cancelled while its child waits on a timer cancels the child too.
  auto slow = std::make_shared<sequence_runnable>(std::vector<std::string>{"x y z"});
  slow->delay = "1000";
  fx.start(fx.spec("r2", slow));
  CHECK(fx.cancel("r2") == cancel_result::cancelled);
  fx.run();
  CHECK(slow->ends == std::vector<run_status>{run_status::cancelled});

  // An unknown member ends its handler with an error at once; this parent then fails.
  auto bad = std::make_shared<sequence_runnable>(std::vector<std::string>{"x"});
  bad->component = "nonesuch";
  fx.start(fx.spec("r3", bad));
  fx.advance(2ms);
  CHECK(bad->ends == std::vector<run_status>{run_status::error});
  CHECK(fx.stored("r3").first.status == run_status::error);
}

TEST_CASE("a run actor killed by an exception still tells its producer and ends ERROR") {
  manager_fixture fx;
  struct spawner : async_runnable {
    void start(std::shared_ptr<run_context> ctx) override {
      ctx->on_cancel([this] { stopped = true; });
      ctx->start_child({"agents", "boom", "x", {}},
                       {[](event_draft&) { return true; }, [](run_outcome) {}});
    }
    bool stopped = false;
  };
  auto body = std::make_shared<spawner>();
  fx.start(fx.spec("r1", body));
  fx.advance(2ms);
  CHECK(body->stopped);
  auto [run, types] = fx.stored("r1");
  CHECK(run.status == run_status::error);
  CHECK(types.back() == "RunError");
}

TEST_CASE("a finished run's log quits once its retention is over, swept by the manager") {
  limits lim;
  lim.retention = 1000ms;
  manager_fixture fx{lim};
  fx.start(fx.spec("r1", std::make_shared<burst_runnable>(1)));
  fx.advance(2ms); // the group commit: the run is over and persisted
  auto addr = fx.lookup("r1").address();
  REQUIRE(addr);
  fx.advance(500ms);
  CHECK(fx.logs_held() == 1);
  fx.advance(600ms); // past the retention, and past the next sweep
  CHECK(fx.logs_held() == 0);
  CHECK_FALSE(fx.lookup("r1"));
  CHECK(fx.stored("r1").first.status == run_status::completed); // the store serves it now
  // Nothing holds the actor: no timer of the log's own outlives it.
  CHECK_FALSE(caf::actor_cast<caf::actor>(addr));
}

TEST_CASE("an evicted log is released at once, not held until its retention would have ended") {
  limits lim;
  lim.finished_logs = 1; // the second finished run evicts the first; retention stays 30 min
  manager_fixture fx{lim};
  fx.start(fx.spec("r1", std::make_shared<burst_runnable>(1)));
  fx.advance(2ms);
  auto first = fx.lookup("r1").address();
  REQUIRE(first);
  fx.start(fx.spec("r2", std::make_shared<burst_runnable>(1)));
  fx.advance(2ms);
  CHECK(fx.logs_held() == 1);
  CHECK(fx.lookup("r2"));
  // A 30-minute timer per log kept every evicted log allocated: memory grew with the rate
  // of starts times the retention, whatever `finished_logs` said.
  CHECK_FALSE(caf::actor_cast<caf::actor>(first));
}

TEST_CASE("a run's start event goes to its log with the first step's events, then RUNNING") {
  // The log writes one batch at a time and a status after the events queued before it: a
  // RUNNING sent first, or a start event alone, was a store write that the run's first
  // output waited for.
  manager_fixture fx;
  strings seen;
  auto log = fx.sys.spawn([&seen](run_events_actor::pointer) -> run_events_actor::behavior_type {
    return {
      [&seen](publish_atom, draft_batch& batch) {
        std::string line = "publish";
        for (const auto& ev : batch.events)
          line += " " + ev.type;
        seen.push_back(line);
      },
      [&seen](status_atom, run_outcome& o) {
        seen.push_back("status " + std::string{to_string(o.status)});
      },
    };
  });
  auto echo = std::make_shared<runnables::echo_runnable>("one two", 100ms, "RunContent");
  auto spec = fx.spec("r1", echo);
  auto run = fx.sys.spawn(drive_run, log, spec.body, spec.info,
                          run_environment{io_executor{&fx.io}, {}, history_reader{}, fx.lim});
  fx.run();
  REQUIRE(seen.size() >= 2);
  CHECK(seen[0] == "publish RunStarted RunContent");
  CHECK(seen[1] == "status RUNNING");
  fx.self->send_exit(run, caf::exit_reason::user_shutdown);
  fx.self->send_exit(log, caf::exit_reason::user_shutdown);
  fx.run();
}

namespace {

/// A step function whose first step throws: taken as the run actor starts, not from a message.
struct throwing_steps : step_runnable {
  step next() override {
    throw std::runtime_error("no first step");
  }
};

} // namespace

TEST_CASE("a step function that throws at its first step ends its run ERROR, every step stored") {
  manager_fixture fx;
  fx.start(fx.spec("r1", std::make_shared<throwing_steps>()));
  auto [run, types] = fx.stored("r1");
  CHECK(run.status == run_status::error);
  CHECK(run.error.value_or("") == "no first step");
  CHECK(types == strings{"RunStarted", "RunError"});
}
