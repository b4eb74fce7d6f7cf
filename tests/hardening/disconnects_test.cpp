// A client that drops its connection a thousand times during one run, resuming each time
// from the last event it has, ends up with exactly the run's events: the concatenation of
// what it received equals the final replay, byte for byte.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>

using namespace runcast::test;
using namespace std::chrono_literals;

TEST_CASE("1000 random disconnects during a 10000-event run lose and repeat nothing") {
  server_fixture fx;
  auto port = fx.port();
  constexpr int64_t events = 10'000; // RunStarted, 9998 words, RunCompleted
  constexpr size_t cuts = 1'000;
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng{seed};
  std::set<int64_t> cut_after;
  std::uniform_int_distribution<int64_t> pick{0, events - 2};
  while (cut_after.size() < cuts)
    cut_after.insert(pick(rng));

  // In the background: the run must outlive the connection that started it.
  auto c = start_stream(port, {{"message", words(events - 2)}, {"delay_ms", "1"},
                               {"background", "true"}});
  REQUIRE(c->status() == 200);
  std::string run_id;
  std::string session_id;
  std::string received;
  int64_t last = -1;
  size_t reconnects = 0;
  bool done = false;
  while (!done) {
    auto f = c->next(20s);
    REQUIRE(f); // a stream only ends here when we cut it, or after RunCompleted
    if (!f->id)
      continue; // a resume's meta frame
    auto index = std::stoll(*f->id);
    REQUIRE(index == last + 1);
    if (run_id.empty()) {
      run_id = f->json()["run_id"].get<std::string>();
      session_id = f->json()["session_id"].get<std::string>();
    }
    received += f->raw;
    last = index;
    done = f->event == "RunCompleted";
    if (done || cut_after.count(index) == 0)
      continue;
    // Half the cuts are resets, half orderly closes; the client comes back alternately as
    // the seed's client does (POST …/resume) and as EventSource does (GET with
    // Last-Event-ID).
    c->close(reconnects % 2 == 0);
    ++reconnects;
    if (reconnects % 4 < 2)
      c = resume(port, run_id, session_id, last);
    else
      c = std::make_unique<sse_client>(
        port, "GET", "/agents/echo/runs/" + run_id + "/stream?session_id=" + session_id, "", "",
        header_list{{"Last-Event-ID", std::to_string(last)}});
    REQUIRE(c->status() == 200);
  }
  CHECK(reconnects == cuts);
  CHECK(last == events - 1);

  auto replay = resume(port, run_id, session_id, -1);
  std::string replayed;
  for (const auto& f : read_to_end(*replay))
    if (f.id)
      replayed += f.raw;
  CHECK(replayed.size() == received.size());
  CHECK(replayed == received);
  std::printf("1000 disconnects in a 10000-event run: %zu bytes received = the replay's\n",
              received.size());
}
