#include "runtime/run_builder.hpp"

#include "core/event_names.hpp"
#include "core/ids.hpp"

#include <stdexcept>

namespace runcast::runtime {

namespace {

bool valid_user_id(const std::string& id) {
  if (id.size() > 256)
    return false;
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

failure invalid(std::string detail) {
  return {errc::invalid_argument, std::move(detail)};
}

} // namespace

outcome<actors::run_spec> build_run(const run_request& req, const component_registry& components,
                                    const actors::runnable_registry& runnables,
                                    const std::string& node_id) {
  const auto* comp = components.find(req.kind, req.component_id);
  if (comp == nullptr)
    return failure{errc::not_found, "component " + req.kind + "/" + req.component_id
                                      + " not found"};
  if (req.message.empty())
    return invalid("message is required");
  if (!req.session_id.empty() && !is_valid_id(req.session_id))
    return invalid("session_id must be 1-128 characters of letters, digits, '-', '_', '.', ':'");
  if (!valid_user_id(req.user_id))
    return invalid("user_id must be at most 256 printable characters");
  auto params = req.params.is_object() ? req.params : nlohmann::json::object();

  actors::run_spec spec;
  auto& r = spec.record;
  r.run_id = make_uuid();
  r.session_id = req.session_id.empty() ? make_uuid() : req.session_id;
  auto& info = spec.info;
  info = {r.run_id, r.session_id, req.user_id, req.kind, comp->id, req.message, {},
          names_for_kind(req.kind)};
  try {
    spec.body = runnables.make(*comp, info, params);
  } catch (const std::invalid_argument& e) {
    return invalid(e.what());
  }
  auto now = now_seconds();
  r.user_id = req.user_id;
  r.kind = req.kind;
  r.component_id = comp->id;
  r.owner_node = node_id;
  r.input = req.message;
  r.params_json = params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.status = run_status::pending;
  r.created_at = now;
  r.updated_at = now;
  spec.context = {r.run_id, r.session_id, r.kind, comp->id, comp->name};
  return spec;
}

outcome<std::pair<actors::run_info, std::shared_ptr<actors::runnable>>>
build_child(const actors::child_request& req, const actors::run_info& parent,
            const component_registry& components, const actors::runnable_registry& runnables) {
  const auto* comp = components.find(req.kind, req.component_id);
  if (comp == nullptr)
    return failure{errc::not_found,
                   "component " + req.kind + "/" + req.component_id + " not found"};
  actors::run_info info{parent.run_id, parent.session_id, parent.user_id, req.kind, comp->id,
                        req.message, {}, names_for_kind(req.kind)};
  try {
    auto body = runnables.make(*comp, info, req.params);
    return std::make_pair(std::move(info), std::move(body));
  } catch (const std::invalid_argument& e) {
    return invalid(e.what());
  }
}

} // namespace runcast::runtime
