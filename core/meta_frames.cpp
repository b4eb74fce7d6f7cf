#include "core/meta_frames.hpp"

#include "core/sse.hpp"

#include <nlohmann/json.hpp>

namespace runcast {

namespace {

std::string meta_frame(const char* type, const nlohmann::ordered_json& j) {
  return encode_meta_frame(type, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void add_gap(nlohmann::ordered_json& j, const std::optional<index_gap>& gap) {
  if (gap)
    j["gap"] = {{"from", gap->from}, {"to", gap->to}};
}

} // namespace

std::string catch_up_frame(const std::string& run_id, int64_t missed, int64_t total,
                           const std::optional<index_gap>& gap) {
  nlohmann::ordered_json j;
  j["event"] = "catch_up";
  j["run_id"] = run_id;
  j["status"] = "running";
  j["missed_events"] = missed;
  j["current_event_count"] = total;
  add_gap(j, gap);
  j["message"] = "Run is still active. Sending " + std::to_string(missed)
                 + " missed events, then live events.";
  return meta_frame("catch_up", j);
}

std::string subscribed_frame(const std::string& run_id, int64_t total) {
  nlohmann::ordered_json j;
  j["event"] = "subscribed";
  j["run_id"] = run_id;
  j["status"] = "running";
  j["current_event_count"] = total;
  j["message"] = "Caught up. Now receiving live events.";
  return meta_frame("subscribed", j);
}

std::string replay_frame(const std::string& run_id, run_status status, int64_t missed,
                         int64_t total, const std::optional<index_gap>& gap) {
  nlohmann::ordered_json j;
  j["event"] = "replay";
  j["run_id"] = run_id;
  j["status"] = std::string{to_string(status)};
  j["total_events"] = total;
  j["missed_events"] = missed;
  add_gap(j, gap);
  j["message"] = "Run has finished. Replaying " + std::to_string(missed) + " missed events.";
  return meta_frame("replay", j);
}

std::string error_frame(const std::string& run_id, const std::string& message) {
  nlohmann::ordered_json j;
  j["event"] = "error";
  if (!run_id.empty())
    j["run_id"] = run_id;
  j["error"] = message;
  return meta_frame("error", j);
}

} // namespace runcast
