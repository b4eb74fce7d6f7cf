// Every wait on a client is bounded: a request trickled in one byte per second (slowloris)
// is cut at the read timeout, an idle keep-alive connection at the idle timeout, and
// thousands of such clients do not keep a normal client from being served.

#include "tests/hardening/raw_socket.hpp"
#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace runcast::test;
using namespace std::chrono_literals;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t slow_clients = 2'000; // sanitizers multiply each connection's cost
#else
constexpr size_t slow_clients = 10'000;
#endif

/// The slowloris request, sent one byte at a time; it never ends.
const std::string trickle = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                            + std::string(200, 'a');

} // namespace

TEST_CASE("clients trickling one header byte per second are cut at the read timeout and "
          "do not stop a normal client") {
  auto fd_limit = raise_fd_limit();
  REQUIRE(fd_limit >= slow_clients + 1000);
  server_fixture fx{{"--read-timeout-ms", "3000", "--max-connections", "20000"}};
  auto port = fx.port();

  std::vector<raw_socket> slow;
  slow.reserve(slow_clients);
  for (size_t i = 0; i < slow_clients; ++i)
    slow.emplace_back(port);
  auto opened = std::chrono::steady_clock::now();

  // One byte per second to each, from a thread of its own, while a normal client is served.
  std::atomic<bool> stop{false};
  std::atomic<size_t> byte{0};
  std::thread trickler{[&] {
    while (!stop) {
      auto i = byte.fetch_add(1);
      for (auto& s : slow)
        s.send_some(std::string_view{trickle}.substr(i % trickle.size(), 1));
      for (int t = 0; t < 10 && !stop; ++t)
        std::this_thread::sleep_for(100ms);
    }
  }};

  std::vector<double> latencies_ms;
  for (int i = 0; i < 20; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto res = request(port, "POST", "/agents/echo/runs",
                       form_urlencode({{"message", "still served"}, {"stream", "false"},
                                       {"delay_ms", "0"}}),
                       "application/x-www-form-urlencoded");
    latencies_ms.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    REQUIRE(res.status == 200);
    CHECK(res.json()["status"] == "COMPLETED");
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("%zu slowloris clients connected: a normal run (POST, stream=false) took "
              "median %.1f ms, max %.1f ms over 20 requests\n",
              slow_clients, latencies_ms[latencies_ms.size() / 2], latencies_ms.back());

  // Each slow client is cut once its 3 s are over, though it is still sending.
  size_t cut = 0;
  REQUIRE(eventually(
    [&] {
      cut = 0;
      for (auto& s : slow)
        cut += s.closed_by_peer() ? 1 : 0;
      return cut == slow.size();
    },
    60s, 200ms));
  auto elapsed = std::chrono::steady_clock::now() - opened;
  stop = true;
  trickler.join();
  std::printf("all %zu cut %.1f s after they connected (read timeout 3 s)\n", cut,
              std::chrono::duration<double>(elapsed).count());
  CHECK(elapsed >= 3s);
  CHECK(request(port, "GET", "/health").status == 200);
}

TEST_CASE("an idle keep-alive connection is closed at the idle timeout, a busy one is not") {
  server_fixture fx{{"--idle-timeout-ms", "500", "--read-timeout-ms", "5000"}};
  auto port = fx.port();
  raw_socket idle{port};
  raw_socket busy{port};
  const std::string health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  // The busy one sends a request every 200 ms; the idle one never sends anything.
  auto t0 = std::chrono::steady_clock::now();
  bool idle_closed = false;
  while (std::chrono::steady_clock::now() - t0 < 2s) {
    REQUIRE(busy.send_some(health));
    std::this_thread::sleep_for(200ms);
    CHECK_FALSE(busy.closed_by_peer());
    idle_closed = idle_closed || idle.closed_by_peer();
  }
  CHECK(idle_closed);
}
