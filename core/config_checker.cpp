#include "core/config_checker.hpp"

#include <cstdio>
#include <limits>

namespace runcast {

namespace {

/// The member `key` of `obj`, or nullptr.
const config_json* member(const config_json& obj, std::string_view key) {
  if (!obj.is_object())
    return nullptr;
  auto i = obj.find(std::string{key});
  return i == obj.end() ? nullptr : &*i;
}

std::string join(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto item : items)
    out += (out.empty() ? "" : ", ") + json_string(item);
  return out;
}

} // namespace

std::string pointer(const std::string& path, std::string_view key) {
  std::string out = path + "/";
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string pointer(const std::string& path, size_t index) {
  return path + "/" + std::to_string(index);
}

std::string json_string(std::string_view text) {
  // Invalid UTF-8 is replaced rather than thrown on: this runs while reporting errors.
  return config_json(std::string{text}).dump(-1, ' ', false,
                                             config_json::error_handler_t::replace);
}

bool is_env_name(std::string_view name) {
  if (name.empty() || name.size() > 256)
    return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0))
      return false;
  }
  return true;
}

void config_checker::fail(std::string path, std::string message) {
  errors_.push_back({std::move(path), std::move(message)});
}

bool config_checker::object(const config_json& v, const std::string& path) {
  if (v.is_object())
    return true;
  fail(path, "must be an object");
  return false;
}

bool config_checker::array(const config_json& v, const std::string& path, bool non_empty) {
  if (!v.is_array()) {
    fail(path, non_empty ? "must be a non-empty array" : "must be an array");
    return false;
  }
  if (non_empty && v.empty()) {
    fail(path, "must not be empty");
    return false;
  }
  return true;
}

void config_checker::known_keys(const config_json& obj, const std::string& path,
                                const std::vector<std::string_view>& known,
                                const std::vector<std::string_view>& secrets) {
  if (!obj.is_object())
    return;
  for (const auto& item : obj.items()) {
    bool found = false;
    for (auto k : known)
      found = found || k == item.key();
    bool secret = false;
    for (auto k : secrets)
      secret = secret || k == item.key();
    if (secret)
      inline_secret(path, item.key());
    else if (!found)
      fail(path, "unknown key " + json_string(item.key()));
  }
}

void config_checker::inline_secret(const std::string& path, std::string_view key) {
  // The value itself is never repeated: it is the secret.
  fail(path, json_string(key) + " is not allowed inline (secrets stay out of config files): "
               "name an environment variable in " + json_string(std::string{key} + "_env"));
}

bool config_checker::required(const config_json& obj, const std::string& path,
                              std::string_view key) {
  if (member(obj, key) != nullptr)
    return true;
  fail(path, "missing required key " + json_string(key));
  return false;
}

std::optional<std::string> config_checker::string(const config_json& obj,
                                                  const std::string& path,
                                                  std::string_view key, bool non_empty) {
  const auto* v = member(obj, key);
  if (v == nullptr)
    return std::nullopt;
  if (!v->is_string() || (non_empty && v->get_ref<const std::string&>().empty())) {
    fail(pointer(path, key), non_empty ? "must be a non-empty string" : "must be a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<int64_t> config_checker::integer(const config_json& obj, const std::string& path,
                                               std::string_view key, int64_t lo, int64_t hi) {
  const auto* v = member(obj, key);
  if (v == nullptr)
    return std::nullopt;
  bool fits = false;
  int64_t value = 0;
  if (v->is_number_unsigned()) {
    auto u = v->get<uint64_t>();
    fits = u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    value = fits ? static_cast<int64_t>(u) : 0;
  } else if (v->is_number_integer()) {
    fits = true;
    value = v->get<int64_t>();
  }
  if (!fits || value < lo || value > hi) {
    fail(pointer(path, key), "must be an integer between " + std::to_string(lo) + " and "
                               + std::to_string(hi));
    return std::nullopt;
  }
  return value;
}

std::optional<double> config_checker::number(const config_json& obj, const std::string& path,
                                             std::string_view key, double lo, double hi) {
  const auto* v = member(obj, key);
  if (v == nullptr)
    return std::nullopt;
  double value = v->is_number() ? v->get<double>() : 0;
  if (!v->is_number() || !(value >= lo && value <= hi)) {
    // %g: "between 0 and 2", not "between 0.000000 and 2.000000".
    char text[96];
    std::snprintf(text, sizeof text, "must be a number between %g and %g", lo, hi);
    fail(pointer(path, key), text);
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> config_checker::strings(const config_json& obj,
                                                                const std::string& path,
                                                                std::string_view key,
                                                                bool non_empty) {
  const auto* v = member(obj, key);
  if (v == nullptr)
    return std::nullopt;
  auto at = pointer(path, key);
  if (!array(*v, at, non_empty))
    return std::nullopt;
  auto before = error_count();
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_string() || item.get_ref<const std::string&>().empty())
      fail(pointer(at, i), "must be a non-empty string");
    else
      out.push_back(item.get<std::string>());
  }
  if (error_count() != before)
    return std::nullopt;
  return out;
}

std::optional<std::string> config_checker::env_name(const config_json& obj,
                                                    const std::string& path,
                                                    std::string_view key) {
  auto name = string(obj, path, key);
  if (name && !is_env_name(*name)) {
    fail(pointer(path, key), "must name an environment variable ([A-Za-z_][A-Za-z0-9_]*)");
    return std::nullopt;
  }
  return name;
}

std::optional<std::vector<std::string>> config_checker::env_names(const config_json& obj,
                                                                  const std::string& path,
                                                                  std::string_view key) {
  auto names = strings(obj, path, key, false);
  if (!names)
    return std::nullopt;
  auto before = error_count();
  for (size_t i = 0; i < names->size(); ++i)
    if (!is_env_name((*names)[i]))
      fail(pointer(pointer(path, key), i),
           "must name an environment variable ([A-Za-z_][A-Za-z0-9_]*)");
  if (error_count() != before)
    return std::nullopt;
  return names;
}

std::optional<std::string> config_checker::choice(const config_json& obj,
                                                  const std::string& path,
                                                  std::string_view key,
                                                  const std::vector<std::string_view>& choices) {
  auto value = string(obj, path, key);
  if (!value)
    return std::nullopt;
  for (auto c : choices)
    if (c == *value)
      return value;
  fail(pointer(path, key), "must be one of " + join(choices));
  return std::nullopt;
}

} // namespace runcast
