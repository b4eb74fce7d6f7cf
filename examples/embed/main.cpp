// An application that embeds runcast in its own CAF actor system. It registers
//   - its own CAF actor (counter_actor.cpp) as the agent `counter`, and
//   - a plain function as the agent `shout`,
// serves runcast's HTTP API, and follows runs in-process with the subscription API: a line
// `follow RUN_ID SESSION_ID` on stdin prints that run's events as `event INDEX DATA` lines,
// then `end ok` (or `end error: WHY`). End of stdin (or `quit`) shuts down in order.
//
//   embed_example [--port 0] [--db sqlite:embed.db] [--node-id n1]
//                 [--cluster-port P --peers host:port,... --cluster-secret S]

#include "counter_actor.hpp"

#include <runcast/runcast.hpp>

#include <caf/all.hpp>

#include <cctype>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::mutex out_mutex;

void say(const std::string& line) {
  std::lock_guard<std::mutex> lock{out_mutex};
  std::cout << line << std::endl;
}

/// `--name value` pairs.
std::map<std::string, std::string> arguments(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2)
    args[argv[i]] = argv[i + 1];
  return args;
}

runcast::options options_from(const std::map<std::string, std::string>& args) {
  runcast::options opts;
  auto get = [&](const char* key, const std::string& fallback) {
    auto i = args.find(key);
    return i == args.end() ? fallback : i->second;
  };
  opts.store = get("--db", "sqlite:embed.db");
  opts.node_id = get("--node-id", "n1");
  opts.cluster_port = static_cast<uint16_t>(std::stoi(get("--cluster-port", "0")));
  opts.cluster_secret = get("--cluster-secret", "");
  std::stringstream peers{get("--peers", "")};
  for (std::string peer; std::getline(peers, peer, ',');) {
    auto colon = peer.rfind(':');
    opts.peers.emplace_back(peer.substr(0, colon),
                            static_cast<uint16_t>(std::stoi(peer.substr(colon + 1))));
  }
  return opts;
}

/// The `shout` agent: a plain blocking function on runcast's function threads.
std::string shout(runcast::function_run& run) {
  std::string out;
  std::stringstream words{run.info().message};
  for (std::string word; words >> word;) {
    for (auto& c : word)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!run.emit(word + " "))
      break; // cancelled
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  auto args = arguments(argc, argv);
  auto opts = options_from(args);

  // The application's own actor system; runcast::configure is all runcast needs from it.
  caf::actor_system_config cfg;
  runcast::configure(cfg, opts);
  caf::actor_system sys{cfg};

  runcast::components comps;
  comps.actor("counter", spawn_counter).agent("counter", "Counter", "counter");
  comps.function("shout", shout).agent("shout", "Shout", "shout");

  runcast::node node{sys, opts, std::move(comps)};
  runcast::http_options http_opts;
  http_opts.port = static_cast<uint16_t>(std::stoi(args.count("--port") ? args["--port"] : "0"));
  runcast::http_server http{node, http_opts};
  http.start(2);
  say("listening on 127.0.0.1:" + std::to_string(http.port()));
  if (opts.cluster_port != 0)
    say("cluster port " + std::to_string(node.cluster_port()));

  std::vector<std::unique_ptr<runcast::event_subscription>> followed;
  for (std::string line; std::getline(std::cin, line) && line != "quit";) {
    std::stringstream in{line};
    std::string verb, run_id, session_id;
    in >> verb >> run_id >> session_id;
    if (verb != "follow") {
      say("unknown command: " + line);
      continue;
    }
    runcast::event_handler handler;
    handler.on_event = [](const runcast::run_event& ev) {
      say("event " + std::to_string(ev.index) + " " + ev.data);
    };
    handler.on_end = [](const runcast::subscription_end& end) {
      say(end.ok ? "end ok" : "end error: " + end.error);
    };
    followed.push_back(node.subscribe(run_id, session_id, -1, std::move(handler)));
  }
  followed.clear();
  http.stop_accepting();
  bool clean = node.shutdown();
  http.stop();
  return clean ? 0 : 1;
}
