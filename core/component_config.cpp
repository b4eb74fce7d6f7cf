#include "core/component_config.hpp"

#include "core/ids.hpp"

namespace runcast {

component check_component_header(const config_json& obj, const std::string& path,
                                 const std::string& kind, config_checker& check) {
  component c;
  c.kind = kind;
  c.params = nlohmann::json::object();
  c.spec = nlohmann::json::object();
  check.required(obj, path, "id");
  if (auto id = check.string(obj, path, "id")) {
    if (is_valid_id(*id))
      c.id = *id;
    else
      check.fail(pointer(path, "id"),
                 "invalid id " + json_string(*id) + " (1 to 128 of A-Z a-z 0-9 . _ : -)");
  }
  c.name = check.string(obj, path, "name").value_or(c.id);
  c.description = check.string(obj, path, "description").value_or("");
  return c;
}

nlohmann::json to_plain_json(const config_json& v) {
  // Config files are small; a round trip through text is the simplest exact conversion.
  return nlohmann::json::parse(v.dump());
}

} // namespace runcast
