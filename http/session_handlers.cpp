#include "core/event_json.hpp"
#include "http/db_call.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/run_json.hpp"

#include <chrono>
#include <thread>

namespace runcast::http {

namespace {

/// Reads an optional integer query parameter within [lo, hi]; false (and a 422 sent) if bad.
bool int_param(const std::shared_ptr<http_session>& s, const form_fields& q, const char* name,
               int64_t lo, int64_t hi, size_t& out) {
  auto v = field(q, name);
  if (!v)
    return true;
  auto n = parse_int64(*v);
  if (!n || *n < lo || *n > hi) {
    reply(s, bhttp::status::unprocessable_entity,
          std::string{name} + " must be an integer between " + std::to_string(lo) + " and "
            + std::to_string(hi));
    return false;
  }
  out = static_cast<size_t>(*n);
  return true;
}

nlohmann::json session_json(const persistence::session_record& r) {
  nlohmann::ordered_json j;
  j["session_id"] = r.session_id;
  j["session_type"] = std::string{singular_kind(r.kind)};
  j[std::string{singular_kind(r.kind)} + "_id"] = r.component_id;
  j["user_id"] = r.user_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.user_id);
  j["run_count"] = r.run_count;
  j["created_at"] = static_cast<int64_t>(r.created_at);
  j["updated_at"] = static_cast<int64_t>(r.updated_at);
  return nlohmann::json(j);
}

/// How long DELETE waits for the session's live runs to end after cancelling them.
constexpr std::chrono::seconds cancel_wait{5};

} // namespace

void handle_list_sessions(const std::shared_ptr<http_session>& s, const form_fields& q) {
  persistence::session_filter filter;
  if (auto type = field(q, "type")) {
    // The reference names types in the singular ("agent"); the paths use the plural.
    auto kind = *type == "agent" || *type == "team" || *type == "workflow" ? *type + "s" : *type;
    if (!component_registry::is_kind(kind))
      return reply(s, bhttp::status::unprocessable_entity,
                   "type must be one of agent, team, workflow");
    filter.kind = kind;
  }
  filter.component_id = field(q, "component_id");
  filter.user_id = field(q, "user_id");
  if (!int_param(s, q, "limit", 1, 1000, filter.limit)
      || !int_param(s, q, "page", 1, 1'000'000, filter.page))
    return;
  if (auto by = field(q, "sort_by")) {
    if (*by != "created_at" && *by != "updated_at")
      return reply(s, bhttp::status::unprocessable_entity,
                   "sort_by must be created_at or updated_at");
    filter.sort_by = *by;
  }
  if (auto order = field(q, "sort_order")) {
    if (*order != "asc" && *order != "desc")
      return reply(s, bhttp::status::unprocessable_entity, "sort_order must be asc or desc");
    filter.descending = *order == "desc";
  }
  on_db(s, [s, filter] {
    auto page = s->ctx().store->list_sessions(filter);
    auto data = nlohmann::json::array();
    for (const auto& r : page.sessions)
      data.push_back(session_json(r));
    auto pages = (page.total_count + static_cast<int64_t>(filter.limit) - 1)
                 / static_cast<int64_t>(filter.limit);
    s->respond(json_response(s->req(), bhttp::status::ok,
                             {{"data", data},
                              {"meta",
                               {{"page", filter.page},
                                {"limit", filter.limit},
                                {"total_count", page.total_count},
                                {"total_pages", pages}}}}));
  });
}

void handle_get_session(const std::shared_ptr<http_session>& s, const std::string& session_id) {
  on_db(s, [s, session_id] {
    auto r = s->ctx().store->find_session(session_id);
    if (!r)
      return reply(s, bhttp::status::not_found, "Session " + session_id + " not found");
    s->respond(json_response(s->req(), bhttp::status::ok, session_json(*r)));
  });
}

void handle_list_session_runs(const std::shared_ptr<http_session>& s,
                              const std::string& session_id, const form_fields& q) {
  persistence::run_filter filter;
  filter.session_id = session_id;
  if (!int_param(s, q, "limit", 1, 1000, filter.limit)
      || !int_param(s, q, "offset", 0, 1'000'000'000, filter.offset))
    return;
  on_db(s, [s, session_id, filter] {
    auto& store = *s->ctx().store;
    if (!store.find_session(session_id))
      return reply(s, bhttp::status::not_found, "Session " + session_id + " not found");
    auto list = nlohmann::json::array();
    for (const auto& run : store.list_runs(filter))
      list.push_back(run_json(run));
    s->respond(json_response(s->req(), bhttp::status::ok, list));
  });
}

void handle_delete_session(const std::shared_ptr<http_session>& s, const std::string& session_id) {
  on_db(s, [s, session_id] {
    auto& store = *s->ctx().store;
    if (!store.find_session(session_id))
      return reply(s, bhttp::status::not_found, "Session " + session_id + " not found");
    // Live runs are cancelled first and given a moment to end: deleting rows under a run
    // that still writes would leave its last events orphaned.
    persistence::run_filter live;
    live.session_id = session_id;
    live.limit = 10'000;
    bool any_live = false;
    for (const auto& run : store.list_runs(live))
      if (!is_terminal(run.status)) {
        any_live = true;
        s->ctx().engine.cancel(run.run_id, run.owner_node, [](actors::cancel_result) {});
      }
    auto deadline = std::chrono::steady_clock::now() + cancel_wait;
    while (any_live && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds{20}); // a store-pool thread, not I/O
      any_live = false;
      for (const auto& run : store.list_runs(live))
        any_live = any_live || !is_terminal(run.status);
    }
    if (any_live)
      return reply(s, bhttp::status::conflict,
                   "Session " + session_id + " still has running runs; try again");
    store.delete_session(session_id);
    response res{bhttp::status::no_content, s->req().version()};
    res.set(bhttp::field::server, "runcast");
    res.keep_alive(s->req().keep_alive());
    s->respond(std::move(res));
  });
}

} // namespace runcast::http
