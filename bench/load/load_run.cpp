#include "bench/load/load_run.hpp"

#include "bench/load/payload.hpp"
#include "bench/load/socket_util.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace bench {

namespace {

double ms_between(load_run::clock::time_point a, load_run::clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string request_for(const load_options& o, int i) {
  auto path = o.path;
  if (auto at = path.find("{i}"); at != std::string::npos)
    path.replace(at, 3, std::to_string(i % o.channels));
  std::string r =
    o.method + " " + path + " HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n";
  for (const auto& h : o.headers)
    r += h + "\r\n";
  if (o.method == "POST")
    r += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
         + std::to_string(o.body.size()) + "\r\n";
  return r + "\r\n" + (o.method == "POST" ? o.body : "");
}

void stats(std::ostringstream& out, const char* name, latencies& l) {
  char buf[200];
  std::snprintf(buf, sizeof buf, R"("%s":{"n":%zu,"p50":%.3f,"p99":%.3f,"max":%.3f})", name,
                l.count(), l.percentile(0.5), l.percentile(0.99), l.percentile(1.0));
  out << buf;
}

/// epoll_'s data for waiting_ (a connection's is its number).
constexpr uint64_t waiting_key = ~uint64_t{0};

/// Flowing streams read between two looks at the waiting ones.
constexpr int reads_between_looks = 8;

/// What a stream waiting for its first event reads per turn (with --first-priority on): its
/// head and first frames, not a full turn's backlog, so that 1,000 streams' first events
/// cost this client 1,000 small reads, not 16 MB of frames to parse.
constexpr size_t first_bite = 2048;

/// Where the stamp "ts=<ns>" of a payload event starts (past "ts="), or null. Found by its
/// '=', a byte rare in these frames, so that one scan passes over most of a frame.
const char* find_stamp(std::string_view frame) {
  for (size_t from = 0;;) {
    auto eq = frame.find('=', from);
    if (eq == std::string_view::npos)
      return nullptr;
    if (eq >= 2 && frame[eq - 2] == 't' && frame[eq - 1] == 's')
      return frame.data() + eq + 1;
    from = eq + 1;
  }
}

} // namespace

load_run::load_run(const load_options& o)
  : o_(o), epoll_(::epoll_create1(0)), waiting_(::epoll_create1(0)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = waiting_key;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, waiting_, &ev);
}

load_run::~load_run() {
  for (auto& c : conns_)
    if (c.fd >= 0)
      ::close(c.fd);
  ::close(epoll_);
  ::close(waiting_);
}

void load_run::finish(connection& c, bool failed) {
  if (c.done)
    return;
  c.done = true;
  c.failed = failed;
  --open_;
  ::epoll_ctl(c.waiting ? waiting_ : epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  c.fd = -1;
  if (c.payloads > 1)
    rates_.push_back(static_cast<double>(c.payloads - 1) * 1000.0 / ms_between(c.first, c.last));
}

void load_run::on_frame(connection& c, std::string_view frame) {
  const char* at = find_stamp(frame);
  if (at == nullptr)
    return;
  int64_t stamp = 0;
  std::from_chars(at, frame.data() + frame.size(), stamp);
  // Every frame of one read arrived when the read returned: one clock read per read, not
  // two per frame (they were ~8 % of this client's time, taken from the server it measures).
  if (!read_time_) {
    read_time_ = true;
    read_now_ = clock::now();
    read_wall_ns_ = wall_ns();
  }
  auto now = read_now_;
  double e2e = static_cast<double>(read_wall_ns_ - stamp) / 1e6;
  e2e_ms_.add(e2e);
  if (c.payloads++ == 0) {
    c.first = now;
    first_event_ms_.add(ms_between(c.sent, now));
    first_e2e_ms_.add(e2e);
  }
  c.last = now;
  if (!any_) {
    any_ = true;
    first_any_ = now;
  }
  last_any_ = now;
  ++payloads_;
}

void load_run::on_writable(connection& c) {
  if (c.written == 0) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
      return finish(c, true);
    c.sent = clock::now();
  }
  auto n = ::write(c.fd, c.request.data() + c.written, c.request.size() - c.written);
  if (n < 0)
    return errno == EAGAIN ? void() : finish(c, true);
  c.written += static_cast<size_t>(n);
  if (c.written == c.request.size()) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<uint64_t>(&c - conns_.data());
    if (o_.first_priority) {
      ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::epoll_ctl(waiting_, EPOLL_CTL_ADD, c.fd, &ev);
      c.waiting = true;
    } else {
      ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    }
  }
}

void load_run::serve_waiting() {
  epoll_event events[256];
  int n = ::epoll_wait(waiting_, events, 256, 0);
  for (int i = 0; i < n; ++i) {
    auto& c = conns_[events[i].data.u64];
    if (!c.done)
      on_readable(c);
  }
}

void load_run::on_readable(connection& c) {
  // One read a turn, of at most o_.read_bytes: the other ready streams go first, and epoll
  // (level-triggered) reports this one again while it has more.
  static char buf[256 * 1024];
  size_t turn = o_.read_bytes ? o_.read_bytes : conns_.size() > 1 ? 16 * 1024 : sizeof buf;
  if (c.waiting)
    turn = std::min(turn, first_bite);
  auto n = ::read(c.fd, buf, std::min(sizeof buf, turn));
  if (n == 0)
    return finish(c, !c.reader->head_done() || c.reader->status() != 200);
  if (n < 0)
    return errno == EAGAIN ? void() : finish(c, true);
  bytes_ += n;
  bool had_head = c.reader->head_done();
  read_time_ = false; // this read's frames take its time (on_frame)
  if (!c.reader->feed(buf, static_cast<size_t>(n)))
    return finish(c, true);
  if (!had_head && c.reader->head_done()) {
    ++heads_;
    ++statuses_[c.reader->status()];
    if (c.reader->status() != 200)
      return finish(c, true);
  }
  if (c.reader->body_done() || (o_.events > 0 && c.payloads >= o_.events))
    return finish(c, false);
  if (c.waiting && c.payloads > 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<uint64_t>(&c - conns_.data());
    ::epoll_ctl(waiting_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    c.waiting = false;
  }
}

void load_run::run(uint16_t port) {
  conns_.resize(static_cast<size_t>(o_.connections));
  for (int i = 0; i < o_.connections; ++i) {
    auto& c = conns_[static_cast<size_t>(i)];
    c.request = request_for(o_, i);
    c.reader = std::make_unique<sse_reader>([this, &c](std::string_view f) { on_frame(c, f); });
    c.fd = connect_nonblocking(o_.host, port);
    if (c.fd < 0) {
      c.done = c.failed = true;
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u64 = static_cast<uint64_t>(i);
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    ++open_;
  }
  auto deadline = clock::now() + std::chrono::duration<double>(o_.timeout_s);
  std::vector<epoll_event> events(1024);
  bool ready_written = o_.ready_file.empty();
  while (open_ > 0) {
    if (!ready_written && all_heads()) {
      ready_written = true;
      std::FILE* f = std::fopen(o_.ready_file.c_str(), "w");
      if (f) {
        std::fputs("ready\n", f);
        std::fclose(f);
      }
    }
    if (clock::now() > deadline) {
      timed_out_ = true;
      break;
    }
    int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0, reads = 0; i < n; ++i) {
      auto key = events[static_cast<size_t>(i)].data.u64;
      if (key == waiting_key) {
        serve_waiting();
        continue;
      }
      auto& c = conns_[key];
      if (c.done)
        continue;
      if (events[static_cast<size_t>(i)].events & EPOLLOUT) {
        on_writable(c);
        continue;
      }
      on_readable(c);
      if (++reads % reads_between_looks == 0)
        serve_waiting();
    }
  }
}

std::string load_run::summary(const std::string& extra_error) {
  int ok = 0;
  int failed = 0;
  int incomplete = 0;
  for (auto& c : conns_) {
    if (c.done && !c.failed)
      ++ok;
    else if (c.failed)
      ++failed;
    else
      ++incomplete;
  }
  std::ostringstream out;
  double seconds = any_ ? ms_between(first_any_, last_any_) / 1000.0 : 0;
  out << R"({"connections":)" << conns_.size() << R"(,"ok":)" << ok << R"(,"failed":)" << failed
      << R"(,"incomplete":)" << incomplete << R"(,"timed_out":)" << (timed_out_ ? "true" : "false")
      << R"(,"statuses":{)";
  bool first = true;
  for (auto [status, n] : statuses_) {
    out << (first ? "" : ",") << '"' << status << R"(":)" << n;
    first = false;
  }
  latencies rates;
  for (auto r : rates_)
    rates.add(r);
  out << R"(},"payloads":)" << payloads_ << R"(,"bytes":)" << bytes_ << R"(,"seconds":)"
      << seconds << R"(,"deliveries_per_s":)"
      << (seconds > 0 ? static_cast<double>(payloads_ - 1) / seconds : 0)
      << R"(,"stream_rate_p50":)" << rates.percentile(0.5) << ",";
  stats(out, "first_event_ms", first_event_ms_);
  out << ",";
  stats(out, "first_e2e_ms", first_e2e_ms_);
  out << ",";
  stats(out, "e2e_ms", e2e_ms_);
  out << R"(,"error":")" << extra_error << "\"}";
  return out.str();
}

} // namespace bench
