#include "app/server_section.hpp"

#include "app/serve_setting.hpp"

#include <cstdlib>
#include <stdexcept>

namespace runcast::app {

namespace {

using type = serve_setting::value_type;

/// The setting whose key is `key`, or nullptr.
const serve_setting* setting_for(const std::string& key) {
  for (const auto& s : serve_settings())
    if (s.type != type::path && s.key() == key)
      return &s;
  return nullptr;
}

/// A text setting's value, checked by the setting itself.
void apply_text(const serve_setting& s, const config_json& server, const std::string& path,
                config_checker& check, serve_options& o) {
  auto value = check.string(server, path, s.key());
  if (!value)
    return;
  try {
    s.set_text(o, *value);
  } catch (const std::invalid_argument& e) {
    check.fail(pointer(path, s.key()), e.what());
  }
}

void apply_peers(const config_json& server, const std::string& path, config_checker& check,
                 serve_options& o) {
  auto items = check.strings(server, path, "peers", false);
  if (!items)
    return;
  std::vector<std::pair<std::string, uint16_t>> peers;
  for (size_t i = 0; i < items->size(); ++i) {
    try {
      peers.push_back(parse_peer((*items)[i]));
    } catch (const std::invalid_argument& e) {
      check.fail(pointer(pointer(path, "peers"), i), e.what());
    }
  }
  o.peers = std::move(peers);
}

/// "<secret>_env": the variable named must hold the secret when it is to be used.
void apply_secret_env(const serve_setting& s, const config_json& server,
                      const std::string& path, config_checker& check, serve_options& o,
                      bool resolve) {
  auto key = s.key() + "_env";
  auto name = check.env_name(server, path, key);
  if (!name || !resolve)
    return;
  const char* value = std::getenv(name->c_str());
  // Refused rather than ignored: an empty auth key would serve without authentication.
  if (value == nullptr || *value == '\0')
    check.fail(pointer(path, key),
               "environment variable " + json_string(*name) + " is not set or empty");
  else
    s.set_text(o, value);
}

} // namespace

void apply_server_section(const config_json& server, const std::string& path,
                          config_checker& check, serve_options& o, bool resolve_secrets) {
  if (!check.object(server, path))
    return;
  // In file order, so the errors come out in document order.
  for (const auto& item : server.items()) {
    const auto& key = item.key();
    const auto* s = setting_for(key);
    auto env_suffix = key.size() > 4 ? key.substr(key.size() - 4) : std::string{};
    const auto* secret = env_suffix == "_env" ? setting_for(key.substr(0, key.size() - 4))
                                              : nullptr;
    if (secret != nullptr && secret->type == type::secret) {
      apply_secret_env(*secret, server, path, check, o, resolve_secrets);
    } else if (s == nullptr) {
      check.fail(path, "unknown key " + json_string(key));
    } else if (s->type == type::secret) {
      check.inline_secret(path, key);
    } else if (s->type == type::number) {
      if (auto v = check.integer(server, path, key, s->min, s->max))
        s->set_number(o, *v);
    } else if (s->type == type::peers) {
      apply_peers(server, path, check, o);
    } else {
      apply_text(*s, server, path, check, o);
    }
  }
}

} // namespace runcast::app
