// GET /metrics scraped before and after what operators watch — a run, resumes, a refused
// start, a client cut for stalling — parsed strictly as the Prometheus text format 0.0.4.

#include "tests/integration/run_helpers.hpp"
#include "tests/support/source_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace runcast::test;
using namespace std::chrono_literals;

namespace {

/// One scrape: every series ("name{labels}" as written) and its value. REQUIREs the text to
/// follow the format: TYPE before samples and once per name, valid names and labels, no
/// series twice, counters named `_total`, histograms cumulative with +Inf equal to _count.
std::map<std::string, double> parse_metrics(const std::string& text) {
  REQUIRE(!text.empty());
  REQUIRE(text.back() == '\n');
  // name, optional {label="value",…} (no escapes: our values have none), value.
  // Groups: 1 name, 2 {labels}, 3 labels, 4 a further label, 5 value.
  static const std::regex sample{R"(^([a-zA-Z_:][a-zA-Z0-9_:]*))"
                                 R"((\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")"
                                 R"((,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)\})? ([^ ]+)$)"};
  static const std::regex type_line{
    R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)"};
  std::map<std::string, std::string> types;
  std::map<std::string, double> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    INFO("line: " << line);
    std::smatch m;
    if (line.rfind("# HELP ", 0) == 0)
      continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      REQUIRE(std::regex_match(line, m, type_line));
      REQUIRE(types.emplace(m[1], m[2]).second);
      continue;
    }
    REQUIRE(std::regex_match(line, m, sample));
    std::string name = m[1];
    std::string base = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (types.count(base) == 0 && name.size() > std::strlen(suffix)
          && name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
        base = name.substr(0, name.size() - std::strlen(suffix));
    REQUIRE(types.count(base) == 1); // TYPE comes first
    if (types[base] == "counter") {
      REQUIRE(base.size() > 6);
      CHECK(base.compare(base.size() - 6, 6, "_total") == 0);
    }
    std::string value = m[5];
    double v = value == "+Inf" ? INFINITY : std::stod(value);
    REQUIRE(out.emplace(name + std::string{m[2]}, v).second); // each series once
  }
  for (const auto& [name, type] : types) {
    if (type != "histogram")
      continue;
    INFO("histogram " << name);
    auto inf = out.find(name + "_bucket{le=\"+Inf\"}");
    REQUIRE(inf != out.end());
    CHECK(inf->second == out.at(name + "_count"));
    REQUIRE(out.count(name + "_sum") == 1);
  }
  return out;
}

std::map<std::string, double> scrape(uint16_t port) {
  auto res = request(port, "GET", "/metrics");
  REQUIRE(res.status == 200);
  CHECK(res.header("content-type") == "text/plain; version=0.0.4");
  return parse_metrics(res.body);
}

double delta(const std::map<std::string, double>& before,
             const std::map<std::string, double>& after, const std::string& series) {
  INFO("series " << series);
  REQUIRE(after.count(series) == 1);
  REQUIRE(before.count(series) == 1);
  return after.at(series) - before.at(series);
}

} // namespace

TEST_CASE("/metrics counts runs, events, resumes, refusals and a stalled client's cut") {
  server_fixture fx{{"--max-body-bytes", "4194304", "--stall-timeout-ms", "300",
                     "--stall-check-ms", "50"}};
  auto before = scrape(fx.port());
  CHECK(before.at("process_resident_memory_bytes") > 0);
  CHECK(before.at("process_open_fds") > 0);
  CHECK(before.at("process_threads") > 1);
  CHECK(before.at("runcast_cluster_peers") == 0);

  // A run of 12 words streamed to the end: 14 events emitted, stored and sent.
  auto run = start_stream(fx.port(), {{"message", words(12)}, {"delay_ms", "0"}});
  auto frames = read_to_end(*run);
  auto run_id = frames.front().json()["run_id"].get<std::string>();
  auto session_id = frames.front().json()["session_id"].get<std::string>();
  // A refused start, then a resume of the finished run (its log is kept: a replay).
  CHECK(request(fx.port(), "POST", "/agents/echo/runs", "stream=false",
                "application/x-www-form-urlencoded").status == 422);
  auto replay = read_to_end(*resume(fx.port(), run_id, session_id, 5));
  CHECK(replay.front().event == "replay");
  // A resume of a live run: catch_up.
  auto live = start_stream(fx.port(), {{"message", words(50)}, {"delay_ms", "50"},
                                       {"background", "true"}});
  auto head = read_frames(*live, 2);
  auto live_id = head[0].json()["run_id"].get<std::string>();
  auto live_session = head[0].json()["session_id"].get<std::string>();
  auto caught = resume(fx.port(), live_id, live_session, 0);
  CHECK(read_frames(*caught, 1)[0].event == "catch_up");

  auto after = scrape(fx.port());
  CHECK(delta(before, after, "runcast_runs_started_total{kind=\"agents\"}") == 2);
  CHECK(delta(before, after,
              "runcast_runs_finished_total{kind=\"agents\",status=\"COMPLETED\"}") == 1);
  CHECK(delta(before, after, "runcast_run_starts_refused_total{reason=\"invalid\"}") == 1);
  CHECK(delta(before, after, "runcast_resumes_total{outcome=\"replay\"}") == 1);
  CHECK(delta(before, after, "runcast_resumes_total{outcome=\"catch_up\"}") == 1);
  CHECK(delta(before, after, "runcast_events_emitted_total") >= 14 + 2);
  CHECK(delta(before, after, "runcast_events_persisted_total") >= 14 + 2);
  CHECK(delta(before, after, "runcast_store_write_batch_events_count") >= 1);
  CHECK(delta(before, after, "runcast_store_write_seconds_count") >= 1);
  CHECK(delta(before, after, "runcast_sse_sent_frames_total") >= 14 + 8 + 2);
  CHECK(delta(before, after, "runcast_sse_sent_bytes_total") > 14 * 100);
  CHECK(after.at("runcast_live_runs") == 1);
  CHECK(after.at("runcast_subscribers{kind=\"local\"}") == 2); // the live run's two streams
  CHECK(after.at("runcast_subscribers{kind=\"remote\"}") == 0);
  CHECK(after.at("runcast_event_log_frames") > 0);
  CHECK(after.at("runcast_event_log_bytes") > after.at("runcast_event_log_frames"));
  live->close();
  caught->close();

  // A client that never reads a 150,000-event run (~37 MB of frames, far more than its
  // 16 KiB receive buffer and the server's send buffer hold) is cut once its window stays
  // full. With the system's receive buffer the run had to fill tens of MB first, which a
  // sanitizer build beside other tests did not always do within the wait.
  sse_options small_buffer;
  small_buffer.receive_buffer_bytes = 16 * 1024;
  auto stalled = std::make_unique<sse_client>(
    fx.port(), "POST", "/agents/echo/runs",
    form_urlencode({{"message", words(150000)}, {"delay_ms", "0"}, {"background", "true"}}),
    "application/x-www-form-urlencoded", header_list{}, small_buffer);
  REQUIRE(fx.server->wait_for_log("subscriber cut off", 60s));
  auto cut = scrape(fx.port());
  CHECK(delta(after, cut, "runcast_subscribers_cut_total") == 1);
  CHECK(stalled->status() == 200);
}

TEST_CASE("docs/metrics.md and the Grafana dashboard name exactly what the server exports") {
  server_fixture fx;
  auto metrics = scrape(fx.port());
  std::set<std::string> exported;
  for (const auto& [series, value] : metrics)
    exported.insert(series.substr(0, series.find('{')));
  std::ifstream in{runcast::test::source_dir()
                   + "/docs/grafana/runcast-dashboard.json"};
  REQUIRE(in);
  auto dashboard = nlohmann::json::parse(in);
  static const std::regex name{R"(\b(runcast|process)_[a-z_]+\b)"};
  size_t used = 0;
  for (const auto& panel : dashboard.at("panels"))
    for (const auto& target : panel.at("targets")) {
      auto expr = target.at("expr").get<std::string>();
      for (std::sregex_iterator i{expr.begin(), expr.end(), name}, end; i != end; ++i) {
        INFO("panel " << panel.at("title") << ": " << i->str());
        CHECK(exported.count(i->str()) == 1);
        ++used;
      }
    }
  CHECK(used >= 20);
  std::ifstream page_in{runcast::test::source_dir() + "/docs/metrics.md"};
  REQUIRE(page_in);
  std::string page{std::istreambuf_iterator<char>{page_in}, std::istreambuf_iterator<char>{}};
  for (auto exported_name : exported) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      auto n = std::strlen(suffix);
      if (exported_name.size() > n
          && exported_name.compare(exported_name.size() - n, n, suffix) == 0
          && page.find("`" + exported_name.substr(0, exported_name.size() - n) + "`")
               != std::string::npos)
        exported_name = exported_name.substr(0, exported_name.size() - n);
    }
    INFO(exported_name);
    CHECK(page.find("| `" + exported_name + "` |") != std::string::npos);
  }
}

TEST_CASE("in JSON log mode every line is an object and a run's lines carry its run_id") {
  server_fixture fx{{"--log-format", "json", "--node-id", "n7"}};
  auto frames = read_to_end(*start_stream(fx.port(), {{"message", words(3)}, {"delay_ms", "0"}}));
  auto run_id = frames.front().json()["run_id"].get<std::string>();
  CHECK(request(fx.port(), "GET", "/agents?session_id=x").status == 200);
  REQUIRE(fx.server->wait_for_log("\"run finished: COMPLETED\"", 10s));
  REQUIRE(fx.server->wait_for_log("\"path\":\"/agents\"", 10s));
  std::vector<nlohmann::json> of_run;
  bool saw_request = false;
  std::istringstream log{fx.server->log()};
  for (std::string line; std::getline(log, line);) {
    INFO(line);
    auto j = nlohmann::json::parse(line); // throws on any line that is not JSON
    CHECK(j.at("node") == "n7");
    CHECK(j.contains("time"));
    CHECK(j.contains("level"));
    CHECK(j.contains("msg"));
    if (j.value("run_id", "") == run_id)
      of_run.push_back(j);
    if (j.value("path", "") == "/agents") {
      saw_request = true;
      CHECK(j.at("method") == "GET");
      CHECK(j.at("status") == 200);
      CHECK(j.at("bytes").get<int64_t>() > 0);
      CHECK(j.at("duration_ms").get<double>() >= 0);
    }
  }
  CHECK(saw_request);
  REQUIRE(of_run.size() >= 2); // started, finished
  CHECK(of_run.front().at("msg") == "run started");
  CHECK(of_run.back().at("msg") == "run finished: COMPLETED");
  for (const auto& j : of_run) {
    CHECK(j.at("component") == "agents/echo");
    CHECK(j.at("session_id") == frames.front().json()["session_id"]);
  }
}
