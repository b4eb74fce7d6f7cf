#include "core/event_json.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/run_json.hpp"


namespace runcast::http {

namespace {

nlohmann::json session_json(const session_record& r) {
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

} // namespace

void handle_list_sessions(const std::shared_ptr<http_session>& s, const form_fields& q) {
  session_filter filter;
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
  if (!int_field(s, q, "limit", 1, 1000, filter.limit)
      || !int_field(s, q, "page", 1, 1'000'000, filter.page))
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
  auto page_size = filter.limit;
  auto page_no = filter.page;
  s->ctx().engine.list_sessions(filter, [s, page_size, page_no](outcome<session_page> page) {
    if (!page)
      return reply(s, page.error());
    auto data = nlohmann::json::array();
    for (const auto& r : page->sessions)
      data.push_back(session_json(r));
    auto limit = static_cast<int64_t>(page_size);
    auto pages = (page->total_count + limit - 1) / limit;
    s->respond_json(bhttp::status::ok,
                    {{"data", data},
                     {"meta",
                      {{"page", page_no},
                       {"limit", page_size},
                       {"total_count", page->total_count},
                       {"total_pages", pages}}}});
  });
}

void handle_get_session(const std::shared_ptr<http_session>& s, const std::string& session_id) {
  s->ctx().engine.find_session(session_id, [s](outcome<session_record> r) {
    if (!r)
      return reply(s, r.error());
    s->respond_json(bhttp::status::ok, session_json(*r));
  });
}

void handle_list_session_runs(const std::shared_ptr<http_session>& s,
                              const std::string& session_id, const form_fields& q) {
  run_filter filter;
  if (!int_field(s, q, "limit", 1, 1000, filter.limit)
      || !int_field(s, q, "offset", 0, 1'000'000'000, filter.offset))
    return;
  s->ctx().engine.list_session_runs(session_id, filter,
                                    [s](outcome<std::vector<run_record>> runs) {
                                      if (!runs)
                                        return reply(s, runs.error());
                                      s->respond_json(bhttp::status::ok, runs_json(*runs));
                                    });
}

void handle_delete_session(const std::shared_ptr<http_session>& s, const std::string& session_id) {
  s->ctx().engine.delete_session(session_id, [s](outcome<bool> done) {
    if (!done)
      return reply(s, done.error());
    s->respond_with(bhttp::status::no_content, {}, {});
  });
}

} // namespace runcast::http
