#pragma once

#include "bench/load/latencies.hpp"
#include "bench/load/load_options.hpp"
#include "bench/load/sse_reader.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bench {

/// Opens every stream at once and reads them all on one thread (epoll), timing each payload
/// event; `summary()` is the JSON line sse_load prints.
class load_run {
public:
  using clock = std::chrono::steady_clock;

  explicit load_run(const load_options& o);
  ~load_run();
  load_run(const load_run&) = delete;
  load_run& operator=(const load_run&) = delete;

  /// Reads until every stream is done or the deadline; `port` overrides the options' port.
  void run(uint16_t port);

  /// True once every stream has its response head (a publisher may start).
  bool all_heads() const {
    return heads_ == static_cast<int>(conns_.size());
  }

  std::string summary(const std::string& extra_error);

private:
  struct connection {
    int fd = -1;
    std::unique_ptr<sse_reader> reader;
    std::string request;
    size_t written = 0;
    clock::time_point sent{};
    clock::time_point first{};
    clock::time_point last{};
    int64_t payloads = 0;
    bool waiting = false; ///< in waiting_, not yet in epoll_
    bool done = false;
    bool failed = false;
  };

  void on_frame(connection& c, std::string_view frame);
  void on_readable(connection& c);
  void on_writable(connection& c);
  void serve_waiting();
  void finish(connection& c, bool failed);

  const load_options& o_;
  int epoll_ = -1;
  /// With --first-priority on, the streams whose first payload event has not come yet,
  /// served before the others every few reads. A fan-out's 1,000 subscribers are 1,000
  /// clients in real life, each reading its first event when it comes; one process reading
  /// them round robin adds its own queue (a round of the others' backlogs) to that figure.
  /// Read in small bites (first_bite): a full turn each, 1,000 first reads were 16 MB of
  /// frames to parse, and the queue stayed. Itself a member of epoll_, so that a blocked wait
  /// wakes for it.
  int waiting_ = -1;
  std::vector<connection> conns_;
  int open_ = 0;
  std::atomic<int> heads_{0};
  std::map<int, int> statuses_;
  latencies first_event_ms_; ///< request sent → first payload event
  latencies first_e2e_ms_;   ///< first payload event's stamp → received
  latencies e2e_ms_;         ///< every payload event's stamp → received
  std::vector<double> rates_; ///< per stream, payload events/s from its first to its last
  int64_t payloads_ = 0;
  int64_t bytes_ = 0;
  bool read_time_ = false;        ///< read_now_ and read_wall_ns_ hold this read's time
  clock::time_point read_now_{};
  int64_t read_wall_ns_ = 0;
  clock::time_point first_any_{};
  clock::time_point last_any_{};
  bool any_ = false;
  bool timed_out_ = false;
};

} // namespace bench
