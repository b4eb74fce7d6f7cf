#include "runnables/child_process.hpp"

#include "runnables/process_slots.hpp"
#include "runnables/run_process.hpp"
#include "tests/support/eventually.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <optional>

using namespace runcast::runnables;

namespace {

/// What a process delivered.
struct collected {
  std::vector<std::string> lines;
  std::optional<process_exit> exit;
};

process_options sh(const std::string& script) {
  process_options o;
  o.argv = {"/bin/sh", "-c", script};
  o.env_allow = {"PATH"};
  return o;
}

/// Runs `opts` to its end on a fresh io_context, every line taken.
collected run(const process_options& opts, std::string stdin_bytes = {}) {
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  collected c;
  boost::asio::post(strand, [&] {
    child_process::start(
      strand, opts, std::move(stdin_bytes),
      [&](const std::string& text) {
        c.lines.push_back(text);
        return true;
      },
      [&](process_exit e) { c.exit = std::move(e); });
  });
  io.run_for(std::chrono::seconds{30});
  REQUIRE(c.exit);
  return c;
}

/// One-shot run on a fresh io_context.
process_result run_once(const process_options& opts, run_limits limits,
                        std::shared_ptr<process_slots> slots = nullptr) {
  boost::asio::io_context io;
  std::optional<process_result> result;
  run_process(io, opts, {}, limits, [&](process_result r) { result = std::move(r); }, slots);
  io.run_for(std::chrono::seconds{30});
  REQUIRE(result);
  return *result;
}

/// No process of group `pgid` is left (zombies are reaped by init, outside our control,
/// hence the bounded wait).
bool group_gone(pid_t pgid) {
  return runcast::test::eventually([pgid] { return ::kill(-pgid, 0) == -1 && errno == ESRCH; });
}

} // namespace

TEST_CASE("stdout arrives as lines in order with a final partial line") {
  auto c = run(sh("printf 'a\\nb\\n\\nlast'"));
  CHECK(c.lines == std::vector<std::string>{"a\n", "b\n", "\n", "last"});
  CHECK(c.exit->success());

  auto many = run(sh("seq 1 20000"));
  REQUIRE(many.lines.size() == 20000);
  for (size_t i = 0; i < many.lines.size(); ++i)
    REQUIRE(many.lines[i] == std::to_string(i + 1) + "\n");
}

TEST_CASE("a line longer than the bound is delivered in pieces") {
  auto opts = sh("printf '%025d\\nend\\n' 0");
  opts.max_line_bytes = 10;
  auto c = run(opts);
  CHECK(c.lines == std::vector<std::string>{std::string(10, '0'), std::string(10, '0'),
                                            "00000\n", "end\n"});
}

TEST_CASE("a non-zero exit gives its status and the tail of stderr") {
  auto c = run(sh("echo out; echo oops >&2; exit 7"));
  CHECK(c.lines == std::vector<std::string>{"out\n"});
  CHECK(c.exit->status == 7);
  CHECK(c.exit->signal == 0);
  CHECK(c.exit->stderr_tail == "oops\n");
  CHECK(c.exit->describe() == "exit status 7");

  auto opts = sh("head -c 5000 /dev/zero | tr '\\0' x >&2; printf END >&2; exit 1");
  opts.stderr_tail_bytes = 16;
  auto bounded = run(opts);
  CHECK(bounded.exit->stderr_tail == std::string(13, 'x') + "END");
}

TEST_CASE("a missing program is an error naming it") {
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  for (std::string program : {"/nonexistent/runcast-prog", "runcast-no-such-program"}) {
    process_options opts;
    opts.argv = {program};
    opts.env_allow = {"PATH"};
    try {
      child_process::start(
        strand, opts, {}, [](const std::string&) { return true; }, [](process_exit) {});
      FAIL("started " << program);
    } catch (const std::runtime_error& e) {
      CHECK(std::string{e.what()}.find(program) != std::string::npos);
    }
  }
  auto r = run_once(process_options{{"runcast-no-such-program"}, {}, {"PATH"}, {}}, {});
  CHECK(r.error.find("runcast-no-such-program") != std::string::npos);
  CHECK_FALSE(r.success());
}

TEST_CASE("the environment holds only the allowed variables and the extra ones") {
  ::setenv("RUNCAST_TEST_VISIBLE", "yes", 1);
  ::setenv("RUNCAST_TEST_SECRET", "s3cret", 1);
  process_options opts;
  opts.argv = {"env"};
  opts.env_allow = {"PATH", "RUNCAST_TEST_VISIBLE", "RUNCAST_TEST_UNSET_VARIABLE"};
  opts.env_extra = {{"RUNCAST_EXTRA", "1"}};
  auto c = run(opts);
  std::string all;
  for (const auto& l : c.lines)
    all += l;
  CHECK(all.find("RUNCAST_TEST_VISIBLE=yes\n") != std::string::npos);
  CHECK(all.find("RUNCAST_EXTRA=1\n") != std::string::npos);
  CHECK(all.find("RUNCAST_TEST_SECRET") == std::string::npos);
  CHECK(all.find("RUNCAST_TEST_UNSET_VARIABLE") == std::string::npos);
  CHECK(c.lines.size() == 3); // PATH, the allowed one, the extra one
}

TEST_CASE("stdin gets the given bytes and then EOF") {
  process_options opts;
  opts.argv = {"cat"};
  opts.env_allow = {"PATH"};
  CHECK(run(opts, "x\ny").lines == std::vector<std::string>{"x\n", "y"});
  opts.argv = {"wc", "-c"};
  auto big = run(opts, std::string(1 << 20, 'z')); // far more than a pipe holds
  REQUIRE(big.lines.size() == 1);
  CHECK(std::stol(big.lines[0]) == 1 << 20);
}

TEST_CASE("the working directory is the configured one") {
  auto opts = sh("pwd");
  opts.cwd = "/usr";
  CHECK(run(opts).lines == std::vector<std::string>{"/usr\n"});
  opts.cwd = "/nonexistent-runcast-dir";
  auto r = run_once(opts, {});
  CHECK(r.error.find("/nonexistent-runcast-dir") != std::string::npos);
}

TEST_CASE("a timeout terminates the whole process group") {
  run_limits limits;
  limits.timeout = std::chrono::milliseconds{300};
  auto r = run_once(sh("echo $$; sleep 60 & sleep 60"), limits);
  CHECK(r.timed_out);
  CHECK(r.signal == SIGTERM);
  REQUIRE(r.out.size() > 1);
  auto pgid = static_cast<pid_t>(std::stol(r.out));
  CHECK(group_gone(pgid));
}

TEST_CASE("a group that ignores SIGTERM is killed after the grace") {
  run_limits limits;
  limits.timeout = std::chrono::milliseconds{200};
  limits.kill_grace = std::chrono::milliseconds{200};
  // An ignored signal stays ignored across exec: the sleeps ignore SIGTERM too.
  auto r = run_once(sh("trap '' TERM; echo $$; sleep 60 & sleep 60"), limits);
  CHECK(r.timed_out);
  CHECK(r.signal == SIGKILL);
  CHECK(group_gone(static_cast<pid_t>(std::stol(r.out))));
}

TEST_CASE("what the process leaves in its group is killed when it exits") {
  auto r = run_once(sh("echo $$; sleep 60 &"), {});
  CHECK(r.success());
  CHECK(group_gone(static_cast<pid_t>(std::stol(r.out))));
}

TEST_CASE("a one-shot run keeps stdout up to its bound") {
  run_limits limits;
  limits.max_stdout_bytes = 100;
  auto r = run_once(sh("seq 1 100000"), limits);
  CHECK(r.success());
  CHECK(r.out.size() == 100);
  CHECK(r.out_truncated);
  CHECK(r.out.rfind("1\n2\n3\n", 0) == 0);
}

TEST_CASE("the node bound on child processes refuses a process over it") {
  auto slots = std::make_shared<process_slots>(1);
  auto held = slots->try_acquire();
  REQUIRE(held);
  CHECK(slots->in_use() == 1);
  CHECK_FALSE(slots->try_acquire());
  auto r = run_once(sh("echo never"), {}, slots);
  CHECK(r.error.find("at most 1") != std::string::npos);
  CHECK(r.out.empty());
  held.reset();
  CHECK(slots->in_use() == 0);
  auto ok = run_once(sh("echo ran"), {}, slots);
  CHECK(ok.out == "ran\n");
  CHECK(slots->in_use() == 0); // given back when the process ended
}

TEST_CASE("reading pauses while the consumer refuses and resumes without losing a line") {
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  boost::asio::steady_timer timer{strand};
  std::vector<std::string> lines;
  std::shared_ptr<child_process> proc;
  bool paused = false;
  size_t refused_at = 0; // lines.size() when a line was last refused
  int refusals = 0;
  int offered_while_paused = 0;
  size_t lines_at_exit = 0;
  boost::asio::post(strand, [&] {
    proc = child_process::start(
      strand, sh("seq 1 5000"), {},
      [&](const std::string& text) {
        if (paused)
          ++offered_while_paused;
        // Refuse every 500th line the first time it is offered; resume from a timer.
        if (lines.size() % 500 == 499 && refused_at != lines.size()) {
          refused_at = lines.size();
          paused = true;
          ++refusals;
          timer.expires_after(std::chrono::milliseconds{5});
          timer.async_wait([&](const boost::system::error_code&) {
            paused = false;
            proc->resume();
          });
          return false;
        }
        lines.push_back(text);
        return true;
      },
      [&](process_exit e) {
        lines_at_exit = lines.size();
        CHECK(e.success());
        proc.reset();
      });
  });
  io.run_for(std::chrono::seconds{30});
  CHECK(refusals == 10);
  CHECK(offered_while_paused == 0);
  CHECK(lines_at_exit == 5000);
  REQUIRE(lines.size() == 5000);
  for (size_t i = 0; i < lines.size(); ++i)
    REQUIRE(lines[i] == std::to_string(i + 1) + "\n");
}

TEST_CASE("destroying the io_context with the process running kills its group") {
  pid_t pgid = 0;
  {
    boost::asio::io_context io;
    auto strand = boost::asio::make_strand(io);
    bool exited = false;
    boost::asio::post(strand, [&] {
      // Not kept here: only the process's pending operations own it.
      child_process::start(
        strand, sh("echo $$; sleep 60 & sleep 60"), {},
        [&](const std::string& text) {
          pgid = static_cast<pid_t>(std::stol(text));
          return true;
        },
        [&](process_exit) { exited = true; });
    });
    while (pgid == 0 && io.run_one_for(std::chrono::seconds{10}) > 0) {
    }
    REQUIRE(pgid > 0);
    CHECK(::kill(-pgid, 0) == 0);
    CHECK_FALSE(exited);
  } // the io_context goes, and with its handlers the process object
  CHECK(group_gone(pgid));
}
