// The sessions API: list (filters, pages, order), one session, its runs, delete.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

using namespace runcast::test;

namespace {

const std::string urlencoded = "application/x-www-form-urlencoded";

std::string run_in(uint16_t port, const std::string& session, const std::string& user = "",
                   int words_count = 2, int delay_ms = 0) {
  fields f{{"message", words(words_count)}, {"stream", "false"}, {"session_id", session},
           {"delay_ms", std::to_string(delay_ms)}};
  if (!user.empty())
    f.emplace_back("user_id", user);
  if (delay_ms > 0)
    f.emplace_back("background", "true");
  auto res = request(port, "POST", "/agents/echo/runs", form_urlencode(f), urlencoded);
  REQUIRE((res.status == 200 || res.status == 202));
  return res.json()["run_id"];
}

} // namespace

TEST_CASE("sessions are listed with filters, pages and order") {
  server_fixture fx;
  for (int i = 0; i < 5; ++i)
    run_in(fx.port(), "s" + std::to_string(i), i % 2 == 0 ? "alice" : "bob");
  run_in(fx.port(), "s0", "alice"); // a second run in s0

  auto all = request(fx.port(), "GET", "/sessions").json();
  CHECK(all["meta"]["total_count"] == 5);
  CHECK(all["data"].size() == 5);
  CHECK(all["meta"]["page"] == 1);

  auto alice = request(fx.port(), "GET", "/sessions?user_id=alice&type=agent").json();
  CHECK(alice["meta"]["total_count"] == 3);
  for (auto& s : alice["data"])
    CHECK(s["user_id"] == "alice");

  auto page2 =
      request(fx.port(), "GET", "/sessions?limit=2&page=2&sort_by=created_at&sort_order=asc")
          .json();
  CHECK(page2["meta"]["total_pages"] == 3);
  REQUIRE(page2["data"].size() == 2);
  CHECK(page2["data"][0]["session_id"] == "s2");
  CHECK(page2["data"][1]["session_id"] == "s3");

  auto s0 = request(fx.port(), "GET", "/sessions/s0");
  REQUIRE(s0.status == 200);
  CHECK(s0.json()["run_count"] == 2);
  CHECK(s0.json()["agent_id"] == "echo");
  auto runs = request(fx.port(), "GET", "/sessions/s0/runs").json();
  CHECK(runs.size() == 2);

  CHECK(request(fx.port(), "GET", "/sessions/nope").status == 404);
  CHECK(request(fx.port(), "GET", "/sessions/nope/runs").status == 404);
  CHECK(request(fx.port(), "GET", "/sessions?sort_by=name").status == 422);
  CHECK(request(fx.port(), "GET", "/sessions?sort_order=up").status == 422);
  CHECK(request(fx.port(), "GET", "/sessions?page=0").status == 422);
  CHECK(request(fx.port(), "GET", "/sessions?type=robot").status == 422);
}

TEST_CASE("deleting a session cancels its live run and removes its runs and events") {
  server_fixture fx;
  auto done = run_in(fx.port(), "doomed");
  auto live = run_in(fx.port(), "doomed", "", 200, 50);
  auto other = run_in(fx.port(), "kept");
  poll_until(fx.port(), live, "doomed", "RUNNING");

  auto del = request(fx.port(), "DELETE", "/sessions/doomed");
  CHECK(del.status == 204);
  CHECK(request(fx.port(), "GET", "/sessions/doomed").status == 404);
  auto status = [&](const std::string& run) {
    return request(fx.port(), "GET", "/agents/echo/runs/" + run + "?session_id=doomed").status;
  };
  CHECK(status(done) == 404);
  CHECK(status(live) == 404);
  auto gone = resume(fx.port(), done, "doomed", -1);
  auto frames = read_to_end(*gone);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].event == "error");
  // The other session is untouched.
  CHECK(request(fx.port(), "GET", "/agents/echo/runs/" + other + "?session_id=kept").status == 200);
  CHECK(request(fx.port(), "DELETE", "/sessions/doomed").status == 404);
}
