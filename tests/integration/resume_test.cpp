// Resume after index k: exactly k+1…n, each once, in order, then the live tail — during the
// run, after completion (memory) and after retention expired (store), byte-identical.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <utility>

using namespace runcast::test;

namespace {

/// Polls /metrics until the node holds no event log (retention expired), bounded.
void await_no_event_logs(uint16_t port) {
  REQUIRE(eventually([&] { return metric(port, "runcast_event_logs") == 0; }));
}

void check_resumed(const std::vector<sse_frame>& frames, int64_t k, int64_t total,
                   const std::string& first_meta) {
  REQUIRE(!frames.empty());
  CHECK(frames.front().event == first_meta);
  CHECK_FALSE(frames.front().id);
  auto events = events_by_index(frames);
  REQUIRE(static_cast<int64_t>(events.size()) == total - (k + 1));
  int64_t expected = k + 1;
  for (const auto& f : frames)
    if (f.id)
      CHECK(std::stoll(*f.id) == expected++);
  CHECK(expected == total);
}

/// Runs a 7-event run (indices 0..6) to its end; answers its EventSource target.
std::string finished_run_stream(uint16_t port) {
  auto first = start_stream(port, {{"message", words(5)}, {"background", "true"},
                                   {"delay_ms", "0"}});
  auto frames = read_to_end(*first);
  auto run_id = frames[0].json()["run_id"].get<std::string>();
  auto session_id = frames[0].json()["session_id"].get<std::string>();
  return "/agents/echo/runs/" + run_id + "/stream?session_id=" + session_id;
}

/// An EventSource reconnecting to a finished 7-event run (indices 0..6): after index 3 it
/// gets the replay frame and 4..6 (with the retry hint); caught up, 204, which tells a
/// browser to stop reconnecting.
void check_event_source_after_3(uint16_t port, const std::string& target) {
  sse_client es{port, "GET", target, "", "", {{"Last-Event-ID", "3"}}};
  REQUIRE(es.status() == 200);
  auto got = read_to_end(es);
  CHECK(got.front().event == "replay");
  auto events = events_by_index(got);
  REQUIRE(events.size() == 3);
  CHECK(events.begin()->first == 4);
  CHECK(es.retry().has_value());
  CHECK(request(port, "GET", target, "", "", {{"Last-Event-ID", "6"}}).status == 204);
}

} // namespace

TEST_CASE("resume during the run, after completion and after retention expiry yields k+1..n "
          "each once in order with byte-identical data") {
  server_fixture fx{{"--retention-ms", "2000"}};
  constexpr int n_words = 30; // events: RunStarted, 30 RunContent, RunCompleted = 32
  constexpr int64_t total = n_words + 2;
  auto first = start_stream(fx.port(), {{"message", words(n_words)},
                                        {"stream", "true"},
                                        {"background", "true"},
                                        {"delay_ms", "40"}});
  REQUIRE(first->status() == 200);
  CHECK(first->content_type() == "text/event-stream");
  auto head = read_frames(*first, 5); // indices 0..4, no meta frame on a first connection
  for (int i = 0; i < 5; ++i)
    REQUIRE(head[i].id == std::to_string(i));
  auto run_id = head[0].json()["run_id"].get<std::string>();
  auto session_id = head[0].json()["session_id"].get<std::string>();
  first->close(); // a background run outlives its client

  // 1. During the run: catch_up, the missed events, subscribed, then live to the end.
  auto live = resume(fx.port(), run_id, session_id, 4);
  auto during = read_to_end(*live);
  check_resumed(during, 4, total, "catch_up");
  bool saw_subscribed = false;
  for (const auto& f : during)
    saw_subscribed = saw_subscribed || f.event == "subscribed";
  CHECK(saw_subscribed);
  CHECK(during.back().event == "RunCompleted");
  CHECK(live->ended_cleanly());

  // 2. Finished, still in memory: replay from k+1.
  INFO("server log:\n" << fx.server->log());
  REQUIRE(metric(fx.port(), "runcast_event_logs") == 1);
  auto mem = resume(fx.port(), run_id, session_id, 4);
  auto from_memory = read_to_end(*mem);
  check_resumed(from_memory, 4, total, "replay");
  CHECK(from_memory.front().json()["status"] == "COMPLETED");
  CHECK(from_memory.front().json()["missed_events"] == total - 5);

  // 3. Retention over: the same answer from the store.
  await_no_event_logs(fx.port());
  auto db = resume(fx.port(), run_id, session_id, 4);
  auto from_store = read_to_end(*db);
  check_resumed(from_store, 4, total, "replay");

  auto a = events_by_index(during);
  auto b = events_by_index(from_memory);
  auto c = events_by_index(from_store);
  CHECK(a == b);
  CHECK(b == c);
  // And the very first connection's frames match the replay of the same indices.
  auto all = resume(fx.port(), run_id, session_id, -1);
  auto everything = events_by_index(read_to_end(*all));
  REQUIRE(static_cast<int64_t>(everything.size()) == total);
  for (int i = 0; i < 5; ++i)
    CHECK(everything[i] == head[i].data);
}

TEST_CASE("repeated disconnects: every resume continues exactly where the client left") {
  server_fixture fx;
  auto first = start_stream(fx.port(), {{"message", words(40)},
                                        {"background", "true"},
                                        {"delay_ms", "20"}});
  auto frames = read_frames(*first, 3);
  auto run_id = frames[0].json()["run_id"].get<std::string>();
  auto session_id = frames[0].json()["session_id"].get<std::string>();
  first->close();
  std::map<int64_t, std::string> seen = events_by_index(frames);
  int64_t last = 2;
  bool done = false;
  for (int round = 0; round < 50 && !done; ++round) {
    auto c = resume(fx.port(), run_id, session_id, last);
    // Read a few frames, then drop the connection mid-stream.
    for (int i = 0; i < 4; ++i) {
      auto f = c->next(std::chrono::seconds{10});
      if (!f) {
        done = true;
        break;
      }
      if (!f->id)
        continue;
      auto index = std::stoll(*f->id);
      REQUIRE(index == last + 1); // nothing skipped, nothing repeated
      REQUIRE(seen.count(index) == 0);
      seen[index] = f->data;
      last = index;
      if (f->event == "RunCompleted")
        done = true;
    }
    c->close();
  }
  CHECK(done);
  CHECK(seen.size() == 42);
  CHECK(seen.rbegin()->first == 41);
}

TEST_CASE("the EventSource endpoint resumes from Last-Event-ID and answers 204 when done") {
  server_fixture fx;
  auto target = finished_run_stream(fx.port());
  check_event_source_after_3(fx.port(), target);
  // The query parameter works as a first-connection cursor.
  sse_client q{fx.port(), "GET", target + "&last_event_id=5"};
  auto tail = events_by_index(read_to_end(q));
  REQUIRE(tail.size() == 1);
  CHECK(tail.begin()->first == 6);
}

TEST_CASE("the EventSource endpoint answers the same from the store once the node no longer "
          "holds the run") {
  // The case above is answered from the log this node holds (no store read); this one from
  // the store's record and its next index.
  server_fixture fx{{"--retention-ms", "0"}};
  auto target = finished_run_stream(fx.port());
  await_no_event_logs(fx.port());
  check_event_source_after_3(fx.port(), target);
  CHECK(request(fx.port(), "GET", target, "", "", {{"Last-Event-ID", "5"}}).status == 200);
}

TEST_CASE("a replay from the store brings every event once in order whatever its batch size") {
  // A store replay reads its next batch while the stream writes the last: small batches
  // make many reads overlap with writes; two batches larger than a subscriber window's worth
  // of queued frames must still fit the stream's queue. The first read is shorter than the
  // rest (--replay-first-batch): a full short read is not the end of the run.
  const std::pair<const char*, const char*> sizes[] = {{"7", "3"}, {"5000", "32"}, {"512", "1"}};
  for (auto [batch, first_batch] : sizes) {
    INFO("--replay-batch " << batch << " --replay-first-batch " << first_batch);
    server_fixture fx{{"--retention-ms", "0", "--replay-batch", batch, "--replay-first-batch",
                       first_batch}};
    constexpr int n_words = 12'000; // events: RunStarted, the words, RunCompleted
    constexpr int64_t total = n_words + 2;
    auto first = start_stream(fx.port(), {{"message", words(n_words)}, {"delay_ms", "0"}});
    REQUIRE(first->status() == 200);
    auto live = events_by_index(read_to_end(*first));
    REQUIRE(static_cast<int64_t>(live.size()) == total);
    auto run_id = nlohmann::json::parse(live.begin()->second)["run_id"].get<std::string>();
    auto session_id =
      nlohmann::json::parse(live.begin()->second)["session_id"].get<std::string>();
    await_no_event_logs(fx.port());
    auto db = resume(fx.port(), run_id, session_id, 2);
    auto from_store = read_to_end(*db);
    check_resumed(from_store, 2, total, "replay");
    CHECK(db->ended_cleanly());
    live.erase(live.begin(), live.find(3));
    CHECK(events_by_index(from_store) == live);
  }
}

TEST_CASE("an idle stream gets keepalive comments, and the retry hint once") {
  server_fixture fx{{"--keepalive-ms", "200"}};
  sse_options opts;
  opts.report_comments = true;
  sse_client c{fx.port(), "POST", "/agents/echo/runs",
               form_urlencode({{"message", "slow words"}, {"delay_ms", "1500"}}),
               "application/x-www-form-urlencoded", {}, opts};
  auto first = c.next(std::chrono::seconds{5});
  REQUIRE(first);
  CHECK(first->event == "RunStarted");
  auto second = c.next(std::chrono::seconds{5});
  REQUIRE(second);
  // 1.5 s until the next word: the 200 ms keepalive fills the silence first.
  bool saw_keepalive = second->comment && second->data.find("keepalive") != std::string::npos;
  if (!saw_keepalive && second->event == "RunContent") {
    auto third = c.next(std::chrono::seconds{5});
    REQUIRE(third);
    saw_keepalive = third->comment;
  }
  CHECK(saw_keepalive);
  CHECK(c.retry() == 2000L);
}
