// sse_load: the benchmarks' SSE client (bench/README.md). Opens many streams at once (GET or
// POST, any headers such as Last-Event-ID), parses their frames, and times every payload
// event: request → first event, and stamp → receipt for each (payloads carry the wall clock
// they were made at, "ts=<ns>;"). Optionally publishes to a pub/sub server (nchan) once every
// stream is open, or measures the loopback ceiling against a built-in raw server. Prints one
// JSON line.

#include "bench/load/load_options.hpp"
#include "bench/load/load_run.hpp"
#include "bench/load/publisher.hpp"
#include "bench/load/raw_server.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  bench::load_options o;
  try {
    o = bench::load_options::parse(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << (*e.what() ? std::string{e.what()} + "\n\n" : "") << bench::load_options::usage();
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  // Thousands of streams need as many descriptors as the hard limit allows.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  std::unique_ptr<bench::raw_server> raw;
  uint16_t port = o.port;
  if (o.raw_frames > 0) {
    raw = std::make_unique<bench::raw_server>(o.raw_frames, o.bytes);
    port = raw->port();
    o.connections = 1;
  }
  bench::load_run load{o};
  std::string error;
  std::thread pub;
  if (!o.publish_path.empty()) {
    pub = std::thread{[&] {
      // Subscribers first: a pub/sub server drops what nobody listens to.
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
      while (!load.all_heads() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
      std::vector<std::thread> parts;
      std::vector<std::string> errors(static_cast<size_t>(o.publishers));
      for (int i = 0; i < o.publishers; ++i)
        parts.emplace_back([&, i] {
          bench::publisher p{o, i, o.publishers};
          errors[static_cast<size_t>(i)] = p.run();
        });
      for (auto& t : parts)
        t.join();
      for (auto& e : errors)
        if (!e.empty())
          error = e;
    }};
  }
  load.run(port);
  if (pub.joinable())
    pub.join();
  std::cout << load.summary(error) << std::endl;
  return 0;
}
