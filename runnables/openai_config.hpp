#pragma once

#include "core/component.hpp"
#include "runnables/tool_spec.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace runcast::runnables {

/// The `openai` runnable's configuration, read from a component's `spec` (`spec.model`,
/// `spec.tools`) and checked once per run. It holds the NAME of the API key's environment
/// variable, never the key, so it can be logged or dumped safely.
struct openai_config {
  // -- the endpoint (from `base_url`, parsed with Boost.URL) ------------------------------
  std::string base_url;
  bool tls = false;       ///< https
  std::string host;       ///< for the connection, SNI and certificate verification
  std::string port;       ///< "80"/"443" unless the URL gives one
  std::string target;     ///< the path of POST …/chat/completions

  // -- the request ------------------------------------------------------------------------
  std::string model;
  std::string api_key_env;                 ///< empty: no Authorization header
  std::optional<std::string> system;
  std::optional<double> temperature;
  std::optional<long> max_tokens;
  nlohmann::json extra_body = nlohmann::json::object();
  size_t history_runs = 3;
  int max_tool_rounds = 4;
  std::vector<tool_spec> tools;

  // -- the connection ---------------------------------------------------------------------
  std::string ca_file;                     ///< empty: the system's CAs
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds first_token_timeout{60'000};
  std::chrono::milliseconds idle_timeout{60'000};
  int max_retries = 3;
  std::chrono::milliseconds retry_backoff{500}; ///< doubled after each retry

  /// Reads and checks `c.spec`; throws std::invalid_argument naming the bad field.
  static openai_config from_component(const component& c);

  /// The tool called `name`, or null.
  const tool_spec* find_tool(const std::string& name) const;
};

} // namespace runcast::runnables
