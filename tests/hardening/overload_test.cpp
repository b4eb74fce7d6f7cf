// Overload is refused cleanly: past a node's bounds a start answers 429 with Retry-After and
// starts nothing, a stream answers 503 before it begins, and everything accepted completes.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

using namespace runcast::test;
using namespace std::chrono_literals;

namespace {

const std::string urlencoded = "application/x-www-form-urlencoded";

} // namespace

TEST_CASE("300 concurrent starts past a low run bound get only 202 or 429 and every 202 "
          "completes") {
  server_fixture fx{{"--max-live-runs", "8", "--max-starting-runs", "4"}};
  auto port = fx.port();
  struct answer {
    int status;
    std::string retry_after;
    std::string body;
  };
  std::vector<answer> answers(300);
  std::vector<std::thread> clients;
  for (size_t i = 0; i < answers.size(); ++i)
    clients.emplace_back([&, i] {
      // Long enough (10 words, 30 ms apart) that runs overlap and the bound is reached.
      auto res = request(port, "POST", "/agents/echo/runs",
                         form_urlencode({{"message", words(10)},
                                         {"delay_ms", "30"},
                                         {"stream", "false"},
                                         {"background", "true"},
                                         {"session_id", "burst-" + std::to_string(i)}}),
                         urlencoded, {}, 30s);
      answers[i] = {res.status, res.header("retry-after"), res.body};
    });
  for (auto& t : clients)
    t.join();

  int accepted = 0;
  int refused = 0;
  std::vector<std::pair<std::string, std::string>> runs; // run id, session id
  for (const auto& a : answers) {
    INFO("status " << a.status << ": " << a.body);
    REQUIRE((a.status == 202 || a.status == 429));
    auto j = nlohmann::json::parse(a.body);
    if (a.status == 202) {
      ++accepted;
      runs.emplace_back(j["run_id"].get<std::string>(), j["session_id"].get<std::string>());
    } else {
      ++refused;
      CHECK(a.retry_after == "1");
      CHECK(j["detail"].get<std::string>().find("retry later") != std::string::npos);
    }
  }
  std::printf("300 concurrent starts, max_live_runs 8: %d accepted (202), %d refused (429)\n",
              accepted, refused);
  CHECK(accepted >= 8);
  CHECK(refused > 0);
  for (const auto& [run_id, session_id] : runs)
    poll_until(port, run_id, session_id, "COMPLETED", 60s);
  CHECK(metric(port, "runcast_run_starts_refused_total{reason=\"overloaded\"}") == refused);
  // A refused start left nothing behind: the store holds exactly the accepted runs.
  auto sessions = request(port, "GET", "/sessions?limit=100&page=1");
  REQUIRE(sessions.status == 200);
  auto total = sessions.json()["meta"]["total_count"].get<int>();
  CHECK(total == accepted);
  // Once the load is gone the node takes runs again.
  auto later = request(port, "POST", "/agents/echo/runs",
                       form_urlencode({{"message", "again"}, {"stream", "false"}}), urlencoded);
  CHECK(later.status == 200);
}

TEST_CASE("a stream past max_streams answers 503 with Retry-After before anything starts") {
  server_fixture fx{{"--max-streams", "2"}};
  auto port = fx.port();
  auto slow = fields{{"message", words(200)}, {"delay_ms", "50"}};
  auto a = start_stream(port, slow);
  auto b = start_stream(port, slow);
  REQUIRE(a->status() == 200);
  REQUIRE(b->status() == 200);
  auto first = read_frames(*a, 1);
  auto run_id = first.at(0).json()["run_id"].get<std::string>();
  auto session_id = first.at(0).json()["session_id"].get<std::string>();

  auto third = request(port, "POST", "/agents/echo/runs",
                       form_urlencode({{"message", "x"}, {"session_id", "refused-stream"}}),
                       urlencoded);
  INFO(third.body);
  CHECK(third.status == 503);
  CHECK(third.header("retry-after") == "1");
  CHECK(third.json()["detail"].get<std::string>().find("too many event streams")
        != std::string::npos);
  // The refused streamed start started nothing.
  CHECK(request(port, "GET", "/sessions/refused-stream").status == 404);
  auto resumed = request(port, "POST", "/agents/echo/runs/" + run_id + "/resume",
                         form_urlencode({{"session_id", session_id}}), urlencoded);
  CHECK(resumed.status == 503);
  auto get = request(port, "GET",
                     "/agents/echo/runs/" + run_id + "/stream?session_id=" + session_id);
  CHECK(get.status == 503);
  // Non-streaming requests are still served, and a place frees up when a stream closes.
  CHECK(request(port, "GET", "/agents/echo").status == 200);
  a->close();
  REQUIRE(eventually([&] { return metric(port, "runcast_sse_streams_open") < 2; }));
  sse_client c{port, "POST", "/agents/echo/runs/" + run_id + "/resume",
               form_urlencode({{"session_id", session_id}}), urlencoded};
  CHECK(c.status() == 200);
}
