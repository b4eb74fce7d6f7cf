#include "runnables/openai_request.hpp"

namespace runcast::runnables {

openai_request::openai_request(const openai_config& cfg,
                               const std::vector<actors::past_run>& history,
                               const std::string& message)
  : cfg_(cfg) {
  if (cfg_.system)
    messages_.push_back({{"role", "system"}, {"content", *cfg_.system}});
  // The store hands at most the asked-for count, but keep only the most recent ones anyway.
  auto skip = history.size() > cfg_.history_runs ? history.size() - cfg_.history_runs : 0;
  for (size_t i = skip; i < history.size(); ++i) {
    messages_.push_back({{"role", "user"}, {"content", history[i].input}});
    messages_.push_back({{"role", "assistant"}, {"content", history[i].output}});
  }
  messages_.push_back({{"role", "user"}, {"content", message}});
}

nlohmann::json openai_request::body() const {
  nlohmann::json b = nlohmann::json::object();
  b["model"] = cfg_.model;
  b["messages"] = messages_;
  b["stream"] = true;
  b["stream_options"] = {{"include_usage", true}};
  if (cfg_.temperature)
    b["temperature"] = *cfg_.temperature;
  if (cfg_.max_tokens)
    b["max_tokens"] = *cfg_.max_tokens;
  if (!cfg_.tools.empty()) {
    auto tools = nlohmann::json::array();
    for (const auto& t : cfg_.tools)
      tools.push_back({{"type", "function"},
                       {"function",
                        {{"name", t.name},
                         {"description", t.description},
                         {"parameters", t.parameters}}}});
    b["tools"] = std::move(tools);
  }
  for (const auto& [key, value] : cfg_.extra_body.items()) {
    bool reserved = false;
    for (const char* r : reserved_keys)
      reserved = reserved || key == r;
    if (!reserved)
      b[key] = value;
  }
  return b;
}

void openai_request::add_tool_round(const std::string& content,
                                    const std::vector<tool_call>& calls,
                                    const std::vector<std::string>& results) {
  auto tool_calls = nlohmann::json::array();
  for (const auto& c : calls)
    tool_calls.push_back({{"id", c.id},
                          {"type", "function"},
                          {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
  nlohmann::json assistant = {{"role", "assistant"}};
  assistant["content"] = content.empty() ? nlohmann::json(nullptr) : nlohmann::json(content);
  assistant["tool_calls"] = std::move(tool_calls);
  messages_.push_back(std::move(assistant));
  for (size_t i = 0; i < calls.size(); ++i)
    messages_.push_back({{"role", "tool"},
                         {"tool_call_id", calls[i].id},
                         {"content", i < results.size() ? results[i] : std::string{}}});
}

} // namespace runcast::runnables
