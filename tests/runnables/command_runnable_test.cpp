#include "runnables/command_runnable.hpp"

#include "runnables/process_slots.hpp"
#include "tests/support/eventually.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <functional>
#include <optional>

using namespace runcast;
using namespace runcast::runnables;

namespace {

/// A run_context on a test's io_context (run by the test's thread): records what the
/// runnable emits and how it ends; can refuse emits (backpressure) and cancel.
class fake_context : public actors::run_context {
public:
  explicit fake_context(boost::asio::io_context& io) : io_(io) {
    info_.names = names_for_kind("agents");
  }

  const actors::run_info& info() const override {
    return info_;
  }

  bool emit(event_draft ev) override {
    if (ended_)
      return false;
    if (refuse_every > 0 && ++offers_ % refuse_every == 0) {
      ++refusals;
      return false;
    }
    events.push_back(std::move(ev));
    if (on_emit)
      on_emit();
    return true;
  }

  void complete(std::optional<std::string> output, nlohmann::ordered_json) override {
    end("completed", output.value_or(""));
  }

  void fail(std::string error, nlohmann::ordered_json) override {
    end("error", std::move(error));
  }

  bool cancelled() const override {
    return ended_;
  }

  void on_cancel(std::function<void()> f) override {
    cancel_callbacks_.push_back(std::move(f));
  }

  boost::asio::io_context& io() override {
    return io_;
  }

  void start_child(actors::child_request, actors::child_handler) override {
  }

  void session_history(size_t, std::function<void(std::vector<actors::past_run>)>) override {
  }

  /// What the run actor does on a cancel: the run is over, the callbacks run.
  void cancel() {
    end("cancelled", "");
  }

  std::vector<event_draft> events;
  std::optional<std::pair<std::string, std::string>> outcome; ///< how it ended, and its text
  int refuse_every = 0; ///< refuse every n-th emit (0: never)
  int refusals = 0;
  std::function<void()> on_emit;

private:
  void end(std::string how, std::string text) {
    if (ended_)
      return;
    ended_ = true;
    outcome.emplace(std::move(how), std::move(text));
    for (auto& f : cancel_callbacks_)
      f();
  }

  boost::asio::io_context& io_;
  actors::run_info info_;
  bool ended_ = false;
  int offers_ = 0;
  std::vector<std::function<void()>> cancel_callbacks_;
};

command_config config(const std::string& script, nlohmann::json extra = nlohmann::json::object()) {
  extra["argv"] = {"/bin/sh", "-c", script};
  return command_config::from_spec({{"command", extra}});
}

/// Runs one command run to its end.
std::shared_ptr<fake_context> run(command_config c, std::string message = {},
                                  std::function<void(fake_context&)> setup = {},
                                  std::shared_ptr<process_slots> slots = nullptr) {
  boost::asio::io_context io;
  auto ctx = std::make_shared<fake_context>(io);
  if (setup)
    setup(*ctx);
  if (!slots)
    slots = std::make_shared<process_slots>(4);
  command_runnable r{std::move(c), std::move(message), slots};
  r.start(ctx);
  io.run_for(std::chrono::seconds{30});
  CHECK(slots->in_use() == 0);
  return ctx;
}

std::string joined(const fake_context& ctx) {
  std::string all;
  for (const auto& e : ctx.events)
    all += e.content.value_or("");
  return all;
}

} // namespace

TEST_CASE("each stdout line becomes a content event and exit 0 completes with the output") {
  auto ctx = run(config("printf 'a\\nb\\nc'"));
  REQUIRE(ctx->events.size() == 3);
  CHECK(ctx->events[0].type == "RunContent");
  CHECK(*ctx->events[0].content == "a\n");
  CHECK(*ctx->events[2].content == "c");
  REQUIRE(ctx->outcome);
  CHECK(ctx->outcome->first == "completed");
  CHECK(ctx->outcome->second == "a\nb\nc");
}

TEST_CASE("the message goes to stdin or into argv") {
  auto in = run(config("cat"), "from stdin");
  CHECK(in->outcome->second == "from stdin");
  // In argument mode stdin is empty (and this argv has no placeholder).
  auto arg = run(config("printf '<%s>' \"$(cat)\"", {{"input", "argument"}}), "x");
  CHECK(arg->outcome->second == "<>");
  auto placed = run(command_config::from_spec(
                      {{"command", {{"argv", {"printf", "<%s>", "{message}"}},
                                    {"input", "argument"}, {"env", {"PATH"}}}}}),
                    "hello world");
  CHECK(placed->outcome->second == "<hello world>");
}

TEST_CASE("backpressure pauses reading and drops no line") {
  auto ctx = run(config("seq 1 1000"), {}, [](fake_context& c) { c.refuse_every = 10; });
  CHECK(ctx->refusals >= 100);
  REQUIRE(ctx->events.size() == 1000);
  for (size_t i = 0; i < ctx->events.size(); ++i)
    REQUIRE(*ctx->events[i].content == std::to_string(i + 1) + "\n");
  CHECK(ctx->outcome->first == "completed");
}

TEST_CASE("a non-zero exit fails the run with its status and the stderr tail") {
  auto ctx = run(config("echo partial; echo broke >&2; exit 3"));
  CHECK(ctx->events.size() == 1);
  CHECK(ctx->outcome->first == "error");
  CHECK(ctx->outcome->second == "exit status 3: broke");
  auto killed = run(config("kill -KILL $$"));
  CHECK(killed->outcome->second == "killed by signal 9 (SIGKILL)");
}

TEST_CASE("a run past its timeout fails after its group is terminated") {
  pid_t pgid = 0;
  auto ctx = run(config("echo $$; sleep 60 & sleep 60", {{"timeout_ms", 200}}), {},
                 [&pgid](fake_context& c) {
                   c.on_emit = [&pgid, &c] { pgid = std::stoi(*c.events.front().content); };
                 });
  CHECK(ctx->outcome->first == "error");
  CHECK(ctx->outcome->second == "timed out after 200 ms");
  REQUIRE(pgid > 0);
  CHECK(test::eventually([pgid] { return ::kill(-pgid, 0) == -1 && errno == ESRCH; }));
}

TEST_CASE("a cancel terminates the process group") {
  pid_t pgid = 0;
  auto ctx = run(config("echo $$; sleep 60 & sleep 60"), {}, [&pgid](fake_context& c) {
    c.on_emit = [&pgid, &c] {
      pgid = std::stoi(*c.events.front().content);
      c.cancel();
    };
  });
  CHECK(ctx->outcome->first == "cancelled"); // nothing after the cancel
  REQUIRE(pgid > 0);
  CHECK(test::eventually([pgid] { return ::kill(-pgid, 0) == -1 && errno == ESRCH; }));
}

TEST_CASE("output over max_output_bytes is cut with a note while every line streams") {
  auto ctx = run(config("seq 1 1000", {{"max_output_bytes", 10}}));
  CHECK(ctx->events.size() == 1000);
  CHECK(ctx->outcome->first == "completed");
  CHECK(ctx->outcome->second.rfind("1\n2\n3\n4\n5\n[output truncated", 0) == 0);
  CHECK(joined(*ctx).size() > 1000);
}

TEST_CASE("a missing program or a full node fails the run at once") {
  auto missing = run(command_config::from_spec({{"command", {{"argv", {"runcast-nope"}}}}}));
  CHECK(missing->outcome->first == "error");
  CHECK(missing->outcome->second.find("runcast-nope") != std::string::npos);

  auto slots = std::make_shared<process_slots>(1);
  auto held = slots->try_acquire();
  boost::asio::io_context io;
  auto ctx = std::make_shared<fake_context>(io);
  command_runnable r{config("echo never"), {}, slots};
  r.start(ctx);
  io.run_for(std::chrono::seconds{30});
  CHECK(ctx->events.empty());
  CHECK(ctx->outcome->second.find("at most 1") != std::string::npos);
}
