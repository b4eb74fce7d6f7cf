#include "core/config_file.hpp"

#include "core/agent_config.hpp"
#include "core/config_names.hpp"
#include "core/duplicate_key_finder.hpp"
#include "core/team_config.hpp"
#include "core/workflow_config.hpp"
#include "core/workflow_graph.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace runcast {

namespace {

/// "agents" → "agent", for messages.
std::string singular(const std::string& kind) {
  return kind.substr(0, kind.size() - 1);
}

/// The valid ids `doc[kind]` declares, found before anything is checked so that a
/// reference may point forward in the file.
std::set<std::string> ids_of(const config_json& doc, const char* kind) {
  std::set<std::string> ids;
  if (!doc.contains(kind) || !doc.at(kind).is_array())
    return ids;
  for (const auto& item : doc.at(kind))
    if (item.is_object() && item.contains("id") && item.at("id").is_string())
      ids.insert(item.at("id").get<std::string>());
  return ids;
}

/// Checks the array of `kind` at `path`, adding its components to `out`.
void check_kind(const std::string& kind, const config_json& items, const std::string& path,
                const config_names& names, const workflow_graph& graph,
                config_checker& check, std::vector<component>& out) {
  if (!check.array(items, path, false))
    return;
  std::set<std::string> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto at = pointer(path, i);
    component c = kind == "agents"  ? check_agent(items[i], at, names, check)
                  : kind == "teams" ? check_team(items[i], at, names, check)
                                    : check_workflow(items[i], at, names, graph, check);
    if (c.id.empty())
      continue;
    if (!seen.insert(c.id).second)
      check.fail(pointer(at, "id"), "duplicate " + singular(kind) + " id " + json_string(c.id));
    out.push_back(std::move(c));
  }
}

/// The parser's message without its "[json.exception.parse_error.101] " prefix.
std::string parse_message(const std::string& what) {
  auto end = what.find("] ");
  return what.rfind("[json.exception", 0) == 0 && end != std::string::npos
           ? what.substr(end + 2)
           : what;
}

} // namespace

config_file config_file::parse(const std::string& text, const std::set<std::string>& runnables,
                               const server_section_check& check_server) {
  config_file file;
  config_json doc;
  duplicate_key_finder duplicates;
  try {
    doc = config_json::parse(text, duplicates.callback());
  } catch (const config_json::exception& e) {
    file.errors_.push_back({"", "invalid JSON: " + parse_message(e.what())});
    return file;
  }
  config_checker check;
  for (const auto& e : duplicates.errors())
    check.fail(e.path, e.message);
  if (!check.object(doc, "")) {
    file.errors_ = check.errors();
    return file;
  }
  check.known_keys(doc, "", {"server", "agents", "teams", "workflows"});

  config_names names;
  names.runnables = runnables;
  names.runnables.erase("team");
  names.runnables.erase("workflow");
  names.agents = ids_of(doc, "agents");
  names.teams = ids_of(doc, "teams");
  names.workflows = ids_of(doc, "workflows");
  workflow_graph graph{doc.contains("workflows") ? doc.at("workflows") : config_json{}};

  // In file order, so the errors come out in document order.
  std::vector<component> found;
  for (const auto& item : doc.items()) {
    const auto& key = item.key();
    auto path = pointer("", key);
    if (key == "server") {
      if (check.object(item.value(), path) && check_server)
        check_server(item.value(), path, check);
    } else if (key == "agents" || key == "teams" || key == "workflows") {
      check_kind(key, item.value(), path, names, graph, check, found);
    }
  }
  file.errors_ = check.errors();
  if (file.errors_.empty())
    file.components_ = std::move(found);
  return file;
}

config_file config_file::load(const std::string& path, const std::set<std::string>& runnables,
                              const server_section_check& check_server) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    config_file file;
    file.errors_.push_back({"", std::string{"cannot open: "} + std::strerror(errno)});
    return file;
  }
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      config_file file;
      file.errors_.push_back(
        {"", "larger than " + std::to_string(max_bytes / (1024 * 1024)) + " MiB"});
      return file;
    }
  }
  if (in.bad()) {
    config_file file;
    file.errors_.push_back({"", "cannot read"});
    return file;
  }
  return parse(text, runnables, check_server);
}

size_t config_file::count(std::string_view kind) const {
  size_t n = 0;
  for (const auto& c : components_)
    n += c.kind == kind ? 1 : 0;
  return n;
}

std::string config_file::summary() const {
  std::string out;
  for (const char* kind : {"agents", "teams", "workflows"}) {
    auto n = count(kind);
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " "
           + (n == 1 ? singular(kind) : std::string{kind});
  }
  return out;
}

} // namespace runcast
