#include "http/run_json.hpp"

#include "core/event_json.hpp"

namespace runcast::http {

nlohmann::json run_json(const run_record& run) {
  nlohmann::ordered_json j;
  j["run_id"] = run.run_id;
  if (!run.parent_run_id.empty())
    j["parent_run_id"] = run.parent_run_id;
  j["session_id"] = run.session_id;
  j[std::string{singular_kind(run.kind)} + "_id"] = run.component_id;
  if (!run.user_id.empty())
    j["user_id"] = run.user_id;
  j["status"] = std::string{to_string(run.status)};
  j["content"] = run.content ? nlohmann::json(*run.content) : nlohmann::json(nullptr);
  if (run.error)
    j["error"] = *run.error;
  j["input"] = {{"input_content", run.input}};
  j["created_at"] = static_cast<int64_t>(run.created_at);
  j["updated_at"] = static_cast<int64_t>(run.updated_at);
  return nlohmann::json(j);
}

nlohmann::json runs_json(const std::vector<run_record>& runs) {
  auto list = nlohmann::json::array();
  for (const auto& run : runs)
    list.push_back(run_json(run));
  return list;
}

} // namespace runcast::http
