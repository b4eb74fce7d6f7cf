#include "core/component_registry.hpp"

#include "core/ids.hpp"

#include <fstream>
#include <stdexcept>

namespace runcast {

nlohmann::json component::to_json() const {
  return {{"id", id}, {"name", name}, {"description", description}, {"runnable", runnable}};
}

component_registry component_registry::demo() {
  component_registry r;
  r.add({"agents", "echo", "Echo Agent",
         "Streams its message back word by word (delay_ms between words, default 20).", "echo",
         {{"delay_ms", 20}}});
  r.add({"teams", "echo-team", "Echo Team",
         "Two echo agents answer the message at once; their events interleave.", "team",
         nlohmann::json::object(),
         {{"mode", "parallel"}, {"members", {"echo", "echo"}}, {"on_member_error", "fail"}}});
  r.add({"workflows", "echo-flow", "Echo Flow",
         "Two steps: echo, then echo again on the first step's output.", "workflow",
         nlohmann::json::object(),
         {{"steps",
           {{{"name", "first"}, {"agent", "echo"}}, {{"name", "second"}, {"agent", "echo"}}}}}});
  return r;
}

component_registry component_registry::from_file(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    throw std::runtime_error("cannot open config file " + path);
  nlohmann::json doc;
  try {
    in >> doc;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("config file " + path + ": invalid JSON: " + e.what());
  }
  component_registry r;
  for (const char* kind : {"agents", "teams", "workflows"}) {
    if (!doc.contains(kind))
      continue;
    for (const auto& item : doc.at(kind)) {
      component c;
      c.kind = kind;
      c.id = item.value("id", "");
      c.name = item.value("name", c.id);
      c.description = item.value("description", "");
      c.runnable = item.value("runnable", "echo");
      c.params = item.value("params", nlohmann::json::object());
      if (!is_valid_id(c.id))
        throw std::runtime_error("config file " + path + ": invalid id in " + kind);
      if (!c.params.is_object())
        throw std::runtime_error("config file " + path + ": params of " + c.id
                                 + " must be an object");
      r.add(std::move(c));
    }
  }
  return r;
}

void component_registry::add(component c) {
  if (!is_kind(c.kind))
    throw std::invalid_argument("unknown component kind " + c.kind);
  if (find(c.kind, c.id) != nullptr)
    throw std::invalid_argument("duplicate component " + c.kind + "/" + c.id);
  components_.push_back(std::move(c));
}

const component* component_registry::find(std::string_view kind, std::string_view id) const {
  for (const auto& c : components_)
    if (c.kind == kind && c.id == id)
      return &c;
  return nullptr;
}

std::vector<const component*> component_registry::list(std::string_view kind) const {
  std::vector<const component*> out;
  for (const auto& c : components_)
    if (c.kind == kind)
      out.push_back(&c);
  return out;
}

bool component_registry::is_kind(std::string_view kind) {
  return kind == "agents" || kind == "teams" || kind == "workflows";
}

} // namespace runcast
