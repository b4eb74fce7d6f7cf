#include "actors/runnable_registry.hpp"

#include <stdexcept>

namespace runcast::actors {

void runnable_registry::add(const std::string& name, runnable_factory factory) {
  if (!factories_.emplace(name, std::move(factory)).second)
    throw std::invalid_argument("runnable " + name + " is registered already");
}

bool runnable_registry::contains(const std::string& name) const {
  return factories_.count(name) > 0;
}

std::set<std::string> runnable_registry::names() const {
  std::set<std::string> out;
  for (const auto& entry : factories_)
    out.insert(entry.first);
  return out;
}

std::shared_ptr<runnable> runnable_registry::make(const component& c, run_info& info,
                                                  const nlohmann::json& params) const {
  auto i = factories_.find(c.runnable);
  if (i == factories_.end())
    throw std::invalid_argument("component " + c.id + " names unknown runnable " + c.runnable);
  info.params = c.params.is_object() ? c.params : nlohmann::json::object();
  if (params.is_object())
    for (const auto& [k, v] : params.items())
      info.params[k] = v;
  return i->second(c, info);
}

long int_param(const nlohmann::json& params, const char* name, long fallback, long lo, long hi) {
  if (!params.contains(name))
    return fallback;
  const auto& v = params.at(name);
  long value = 0;
  if (v.is_number_integer()) {
    value = v.get<long>();
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    size_t used = 0;
    try {
      value = std::stol(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size())
      throw std::invalid_argument(std::string{name} + " must be an integer");
  } else {
    throw std::invalid_argument(std::string{name} + " must be an integer");
  }
  if (value < lo || value > hi)
    throw std::invalid_argument(std::string{name} + " must be between " + std::to_string(lo)
                                + " and " + std::to_string(hi));
  return value;
}

} // namespace runcast::actors
