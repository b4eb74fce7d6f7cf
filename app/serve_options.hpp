#pragma once

#include "core/limits.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace runcast::app {

/// Options of `runcast serve`: defaults, then a config file's "server" section, then the
/// environment's secrets, then the command line's flags (app/serve_setting.hpp lists them).
struct serve_options {
  std::string host = "127.0.0.1";
  uint16_t port = 7777;
  std::string db = "sqlite:runcast.db";
  std::string config;   ///< components file; empty: demo components
  std::string auth_key; ///< empty: no authentication (RUNCAST_AUTH_KEY also sets it)
  std::vector<std::string> cors_origins; ///< pages of these origins may call the API
  std::string node_id = "n1";
  std::string log_level = "info";
  std::string log_format = "text"; ///< "text" or "json" (one JSON object per line)
  size_t http_threads = 2;
  size_t worker_threads = 0;              ///< CAF scheduler workers; 0: one per core (≥ 2)
  uint16_t cluster_port = 0;              ///< 0: single node
  std::string cluster_host = "127.0.0.1";
  std::vector<std::pair<std::string, uint16_t>> peers;
  std::string cluster_secret;             ///< (or RUNCAST_CLUSTER_SECRET)
  size_t fault_cut_streams_after = 0;     ///< TEST ONLY fault hook; 0: off
  bool bench_agent = false;               ///< adds the agent `bench` (bench/README.md)
  limits lim;
};

} // namespace runcast::app
