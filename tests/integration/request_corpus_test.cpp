// The request corpus: hostile and malformed HTTP requests, stored as data under
// request_corpus/ (format in its README.md) and sent byte for byte over raw sockets to a real
// server. Each must get its exact status with a `{"detail": "..."}` JSON body, or the
// documented non-answer (the connection closed); none may create anything in the store; and
// the server must still answer GET /health afterwards.
//
// Cases marked `bug:` (none at present) are answered wrongly by the server. They keep their
// correct expectation and run in a test case of their own, which fails until the server is
// fixed, while the per-group test cases show that everything else holds.

#include "tests/integration/corpus_case.hpp"
#include "tests/integration/raw_connection.hpp"
#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include <optional>
#include <set>
#include <sstream>

using namespace runcast::test;

namespace {

const std::filesystem::path corpus_dir{RUNCAST_CORPUS_DIR};

const std::vector<std::string> groups{
  "methods", "request_line", "paths",      "ids",           "queries",      "content_types",
  "chunked", "multipart",    "sizes",      "utf8_and_nul", "form_numbers", "header_floods",
  "pipelining", "half_close"};

// Small limits keep the size cases small, and a request that never completes is given up on
// after one second rather than thirty.
const std::vector<std::string> server_args{"--max-body-bytes", "4096", "--max-header-bytes",
                                           "8192", "--read-timeout-ms", "1000"};

// Past the server's read timeout: a case the server ends by timing out still ends in time.
constexpr std::chrono::milliseconds case_deadline{5000};

struct row_counts {
  int64_t sessions = 0, runs = 0, events = 0;
};

std::string to_text(const row_counts& c) {
  return "sessions=" + std::to_string(c.sessions) + " runs=" + std::to_string(c.runs)
         + " run_events=" + std::to_string(c.events);
}

/// The sessions, runs and events, counted straight from the store behind the server's back.
row_counts count_rows(const server_fixture& fx) {
  static const char* const tables[] = {"sessions", "runs", "run_events"};
  int64_t n[3] = {};
  if (fx.pg) {
    pqxx::connection conn{fx.pg->url()};
    pqxx::nontransaction tx{conn};
    for (int i = 0; i < 3; ++i)
      n[i] = tx.exec1(std::string{"SELECT count(*) FROM "} + tables[i])[0].as<int64_t>();
    return {n[0], n[1], n[2]};
  }
  sqlite3* db = nullptr;
  auto path = fx.db.substr(std::string{"sqlite:"}.size());
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  for (int i = 0; i < 3; ++i) {
    sqlite3_stmt* stmt = nullptr;
    // SQLite keeps events in blocks, each counting its own.
    auto sql = i == 2 ? std::string{"SELECT COALESCE(SUM(event_count), 0) FROM run_event_blocks"}
                      : std::string{"SELECT count(*) FROM "} + tables[i];
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
      n[i] = sqlite3_column_int64(stmt, 0);
    else
      n[i] = -1; // shows up as a difference, with the table's name
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return {n[0], n[1], n[2]};
}

/// The `event:` names of an SSE body's frames.
std::vector<std::string> sse_events(const std::string& body) {
  std::vector<std::string> out;
  std::istringstream in{body};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("event: ", 0) == 0)
      out.push_back(line.substr(7));
  return out;
}

/// What is wrong with one answer, if anything: its status, an HTTP/1.x status line, a JSON
/// `{"detail": "..."}` body on errors, and on a 200 event stream the single `error` frame
/// of an unknown run (the only stream a corpus case can open: it never starts a run).
void check_answer(const corpus_case& c, const raw_response& r, int expected, bool first_error,
                  std::vector<std::string>& problems) {
  auto said = "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200);
  auto problem = [&](const std::string& what) { problems.push_back(what + " (" + said + ")"); };
  if (r.status != expected)
    problem("expected status " + std::to_string(expected));
  if (r.version != 10 && r.version != 11)
    problem("answer's version is " + std::to_string(r.version) + ", not HTTP/1.x");
  if (r.status >= 400) {
    if (r.header("content-type") != "application/json")
      problem("error Content-Type is \"" + r.header("content-type") + "\"");
    if (r.status == 405 && r.header("allow").empty())
      problem("405 without Allow");
    if (c.head)
      return; // no body to look at
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("detail") || !j["detail"].is_string()
        || j["detail"].get<std::string>().empty()) {
      problem("error body is not {\"detail\": \"...\"}");
    } else if (first_error && !c.detail.empty()
               && j["detail"].get<std::string>().find(c.detail) == std::string::npos) {
      problem("detail lacks \"" + c.detail + "\"");
    }
  } else if (r.header("content-type") == "text/event-stream") {
    if (sse_events(r.body) != std::vector<std::string>{"error"})
      problem("a stream other than one error frame");
  }
}

/// Sends one case once over a raw connection; what went differently from its expectation.
std::vector<std::string> send_once(uint16_t port, const corpus_case& c) {
  std::vector<std::string> problems;
  raw_connection conn{port, case_deadline};
  conn.send(c.bytes);
  if (c.then == after_send::reset) {
    conn.reset();
    return problems;
  }
  if (c.then == after_send::shutdown)
    conn.shutdown_write();
  auto got = conn.read_responses(c.statuses.size(), c.head);
  bool first_error = true;
  for (std::size_t i = 0; i < got.responses.size() && i < c.statuses.size(); ++i) {
    check_answer(c, got.responses[i], c.statuses[i], first_error, problems);
    first_error = first_error && got.responses[i].status < 400;
  }
  if (!got.error.empty())
    problems.push_back(got.error);
  if (got.responses.size() < c.statuses.size())
    problems.push_back("got " + std::to_string(got.responses.size()) + " of "
                       + std::to_string(c.statuses.size()) + " answers, then "
                       + (got.timed_out ? "nothing until the deadline (a hang)"
                                        : "the server closed"));
  if (!problems.empty())
    return problems;
  if (c.end == connection_end::closed) {
    bool closed = false;
    auto extra = conn.read_to_close(closed);
    if (!extra.empty())
      problems.push_back("unexpected bytes: " + extra.substr(0, 200));
    if (!closed)
      problems.push_back("the connection stayed open until the deadline");
    return problems;
  }
  conn.send("GET /health HTTP/1.1\r\nHost: corpus\r\n\r\n");
  auto next = conn.read_responses(1);
  if (next.responses.size() != 1 || next.responses[0].status != 200)
    problems.push_back("the kept connection does not answer GET /health with 200"
                       + (next.error.empty() ? "" : ": " + next.error));
  return problems;
}

/// A server on a fresh store, and what it held after the last case checked on it, so a
/// change is blamed on the case that made it and on no later one.
struct corpus_server {
  explicit corpus_server(std::vector<std::string> extra_args = {}) : fx{with(extra_args)} {
  }

  static std::vector<std::string> with(const std::vector<std::string>& extra_args) {
    auto args = server_args;
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    return args;
  }

  /// Sends `c` (`repeat` times) and checks the server after it: alive, answering /health,
  /// and holding no more sessions, runs or events than before.
  std::vector<std::string> run(const corpus_case& c) {
    std::vector<std::string> problems;
    for (int i = 0; i < c.repeat && problems.empty(); ++i) {
      problems = send_once(fx.port(), c);
      if (!problems.empty() && c.repeat > 1)
        problems.insert(problems.begin(), "on attempt " + std::to_string(i + 1) + " of "
                                            + std::to_string(c.repeat) + ":");
      if (!fx.server->running())
        break;
    }
    check_after(problems);
    return problems;
  }

  void check_after(std::vector<std::string>& problems) {
    if (!fx.server->running())
      return died(problems);
    try {
      auto health = request(fx.port(), "GET", "/health");
      if (health.status != 200)
        problems.push_back("GET /health answers " + std::to_string(health.status));
      auto listed = request(fx.port(), "GET", "/sessions").json()["meta"]["total_count"];
      if (listed != listed_)
        problems.push_back("GET /sessions lists " + listed.dump() + " sessions");
      listed_ = listed.get<int64_t>();
    } catch (const std::exception& e) {
      // A server that is going down may still be reaped a moment after refusing us.
      if (eventually([&] { return !fx.server->running(); }, std::chrono::seconds{2}))
        return died(problems);
      problems.push_back(std::string{"the server does not answer: "} + e.what());
    }
    auto rows = count_rows(fx);
    if (rows.sessions != rows_.sessions || rows.runs != rows_.runs || rows.events != rows_.events)
      problems.push_back("the store changed to " + to_text(rows));
    rows_ = rows;
  }

  server_fixture fx;

private:
  void died(std::vector<std::string>& problems) {
    auto log = fx.server->log();
    auto tail = log.size() > 600 ? log.substr(log.size() - 600) : log;
    problems.push_back("the server died (exit code "
                       + std::to_string(fx.server->exit_code().value_or(-1)) + "); its log ends:\n"
                       + tail);
  }

  row_counts rows_;
  int64_t listed_ = 0;
};

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems)
    out += (out.empty() ? "" : "\n  ") + p;
  return out;
}

std::vector<corpus_case> load_group(const std::string& group) {
  return load_corpus(corpus_dir / (group + ".txt"));
}

/// Runs a group's cases not marked `bug:` on one server (a case with `args:` on its own),
/// checking the server after each; at the end the store must still be empty.
void run_group(const std::string& group) {
  corpus_server shared;
  std::size_t ran = 0, bugs = 0;
  for (const auto& c : load_group(group)) {
    if (!c.bug.empty()) {
      ++bugs;
      continue;
    }
    INFO(c.where << " \"" << c.name << "\"");
    std::optional<corpus_server> own;
    if (!c.server_args.empty())
      own.emplace(c.server_args);
    auto& server = own ? *own : shared;
    CHECK(joined(server.run(c)) == "");
    // A dead server would fail every later case of the group for no fault of theirs.
    REQUIRE(server.fx.server->running());
    ++ran;
  }
  CHECK(to_text(count_rows(shared.fx)) == to_text(row_counts{}));
  WARN(group << ": " << ran << " cases run, " << bugs
             << " marked bug: (they run in the test of server bugs)");
}

} // namespace

TEST_CASE("request corpus - the files load into at least 200 distinct cases", "[corpus]") {
  CHECK(expand_corpus_text("{a${3*b\\}}\\x41\\0${CL}\\\\", 12)
        == std::string{"{ab}b}b}A\0" "12\\", 13});
  CHECK_THROWS(expand_corpus_text("${CL}"));
  CHECK_THROWS(expand_corpus_text("${3*a"));
  CHECK_THROWS(expand_corpus_text("\\q"));
  std::set<std::string> names;
  std::size_t total = 0;
  for (const auto& g : groups)
    for (const auto& c : load_group(g)) {
      INFO(c.where);
      CHECK(names.insert(c.name).second);
      ++total;
    }
  CHECK(total >= 200);
}

TEST_CASE("request corpus - methods", "[corpus]") { run_group("methods"); }
TEST_CASE("request corpus - request line", "[corpus]") { run_group("request_line"); }
TEST_CASE("request corpus - paths", "[corpus]") { run_group("paths"); }
TEST_CASE("request corpus - ids", "[corpus]") { run_group("ids"); }
TEST_CASE("request corpus - query strings", "[corpus]") { run_group("queries"); }
TEST_CASE("request corpus - content types and codings", "[corpus]") {
  run_group("content_types");
}
TEST_CASE("request corpus - chunked bodies", "[corpus]") { run_group("chunked"); }
TEST_CASE("request corpus - multipart", "[corpus]") { run_group("multipart"); }
TEST_CASE("request corpus - sizes and lengths", "[corpus]") { run_group("sizes"); }
TEST_CASE("request corpus - invalid UTF-8 and NUL", "[corpus]") { run_group("utf8_and_nul"); }
TEST_CASE("request corpus - numbers in form fields", "[corpus]") { run_group("form_numbers"); }
TEST_CASE("request corpus - header floods", "[corpus]") { run_group("header_floods"); }
TEST_CASE("request corpus - pipelined garbage", "[corpus]") { run_group("pipelining"); }
TEST_CASE("request corpus - half-closed and aborted sockets", "[corpus]") {
  run_group("half_close");
}

// Each on a server of its own: a wrong answer may have started a run or killed the server.
TEST_CASE("request corpus - cases the server answers wrongly today", "[corpus][corpus-bugs]") {
  std::size_t fixed = 0;
  for (const auto& g : groups)
    for (const auto& c : load_group(g)) {
      if (c.bug.empty())
        continue;
      corpus_server server{c.server_args};
      INFO(c.where << " \"" << c.name << "\"\n  known bug: " << c.bug);
      auto problems = server.run(c);
      CHECK(joined(problems) == "");
      if (problems.empty()) {
        WARN(c.where << " \"" << c.name << "\" is answered correctly now: drop its bug: line");
        ++fixed;
      }
    }
  WARN(fixed << " cases marked bug: are answered correctly now");
}
