#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace runcast::test {

namespace {

bool use_postgres() {
  const char* store = std::getenv("RUNCAST_TEST_STORE");
  return store != nullptr && std::string{store} == "postgresql";
}

} // namespace

server_fixture::server_fixture(std::vector<std::string> extra_args)
  : pg(use_postgres() ? std::make_unique<pg_database>() : nullptr),
    db(pg ? pg->url() : "sqlite:" + dir.file("runcast.db").string()),
    args(std::move(extra_args)) {
  restart();
}

void server_fixture::restart() {
  server.reset();
  server = std::make_unique<server_process>(db, dir.path(), args);
}

std::unique_ptr<sse_client> start_stream(uint16_t port, const fields& form,
                                         const std::string& component) {
  return std::make_unique<sse_client>(port, "POST", "/" + component + "/runs",
                                      form_urlencode(form), "application/x-www-form-urlencoded");
}

std::unique_ptr<sse_client> resume(uint16_t port, const std::string& run_id,
                                   const std::string& session_id, int64_t last_event_index,
                                   const std::string& component) {
  return std::make_unique<sse_client>(
    port, "POST", "/" + component + "/runs/" + run_id + "/resume",
    form_urlencode({{"last_event_index", std::to_string(last_event_index)},
                    {"session_id", session_id}}),
    "application/x-www-form-urlencoded");
}

std::vector<sse_frame> read_to_end(sse_client& c, std::chrono::milliseconds timeout) {
  std::vector<sse_frame> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto f = c.next(std::chrono::duration_cast<std::chrono::milliseconds>(
           deadline - std::chrono::steady_clock::now()))) {
    out.push_back(std::move(*f));
    REQUIRE(std::chrono::steady_clock::now() < deadline);
  }
  return out;
}

std::vector<sse_frame> read_frames(sse_client& c, size_t n) {
  std::vector<sse_frame> out;
  while (out.size() < n) {
    auto f = c.next(std::chrono::seconds{10});
    REQUIRE(f);
    out.push_back(std::move(*f));
  }
  return out;
}

std::map<int64_t, std::string> events_by_index(const std::vector<sse_frame>& frames) {
  std::map<int64_t, std::string> out;
  for (const auto& f : frames)
    if (f.id) {
      auto index = std::stoll(*f.id);
      REQUIRE(f.json()["event_index"] == index);
      REQUIRE(out.count(index) == 0); // each event once
      out[index] = f.data;
    }
  return out;
}

nlohmann::json poll_until(uint16_t port, const std::string& run_id, const std::string& session_id,
                          const std::string& status, std::chrono::milliseconds timeout,
                          const std::string& component) {
  nlohmann::json last;
  bool reached = eventually(
    [&] {
      auto res =
        request(port, "GET", "/" + component + "/runs/" + run_id + "?session_id=" + session_id);
      REQUIRE(res.status == 200);
      last = res.json();
      return last["status"] == status;
    },
    timeout, std::chrono::milliseconds{50});
  if (!reached)
    FAIL("run " << run_id << " did not reach " << status << "; last seen: " << last.dump());
  return last;
}

std::string words(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += (i ? " w" : "w") + std::to_string(i);
  return s;
}

int64_t metric(uint16_t port, const std::string& name) {
  auto res = request(port, "GET", "/metrics");
  INFO("metrics answer: " << res.body);
  REQUIRE(res.status == 200);
  std::istringstream in{res.body};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + " ", 0) == 0)
      return std::stoll(line.substr(name.size() + 1));
  FAIL("metric " << name << " missing");
  return -1;
}

std::vector<nlohmann::json> gaps_in(const std::vector<sse_frame>& frames) {
  std::vector<nlohmann::json> gaps;
  for (const auto& f : frames)
    if (!f.id && f.json().contains("gap"))
      gaps.push_back(f.json()["gap"]);
  return gaps;
}

int64_t process_kib(pid_t pid, const std::string& field) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0)
      return std::stoll(line.substr(field.size() + 1));
  FAIL("no " << field << " for process " << pid);
  return -1;
}

} // namespace runcast::test
