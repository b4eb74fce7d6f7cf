#include "actors/runnable.hpp"

#include "actors/echo_runnable.hpp"

#include <stdexcept>

namespace runcast::actors {

namespace {

/// Reads an integer parameter given as a JSON number or a decimal string (form fields).
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

} // namespace

std::shared_ptr<runnable> make_runnable(const component& c, const std::string& message,
                                        const nlohmann::json& params) {
  auto merged = c.params.is_object() ? c.params : nlohmann::json::object();
  if (params.is_object())
    for (const auto& [k, v] : params.items())
      merged[k] = v;
  if (c.runnable == "echo") {
    auto delay = int_param(merged, "delay_ms", 20, 0, echo_runnable::max_delay_ms);
    return std::make_shared<echo_runnable>(message, std::chrono::milliseconds{delay});
  }
  throw std::invalid_argument("component " + c.id + " names unknown runnable " + c.runnable);
}

} // namespace runcast::actors
