#include "core/log_format.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>

#include <atomic>
#include <cmath>
#include <memory>

namespace runcast::logs {

namespace {

/// Marks a payload that is a JSON object of fields (`msg` among them), not plain text.
constexpr char fields_marker = '\x1e';

/// Whether set_format() installed the formatter that reads marked payloads. An embedding
/// program that keeps its own format gets the text form instead.
std::atomic<bool> installed{false};

std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The text form: the message, then `key=value` for each other field.
std::string as_text(const nlohmann::ordered_json& fields) {
  auto out = fields.value("msg", std::string{});
  for (const auto& [key, value] : fields.items())
    if (key != "msg")
      out += " " + key + "=" + (value.is_string() ? value.get<std::string>() : dump(value));
  return out;
}

void emit(spdlog::level::level_enum level, const nlohmann::ordered_json& fields) {
  if (!spdlog::should_log(level))
    return;
  if (installed.load(std::memory_order_relaxed))
    spdlog::log(level, "{}{}", fields_marker, dump(fields));
  else
    spdlog::log(level, "{}", as_text(fields));
}

/// `%*`: the message, with the fields of a structured line as text or as JSON members.
template <bool Json>
class message_flag : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view payload{msg.payload.data(), msg.payload.size()};
    std::string out;
    nlohmann::ordered_json fields;
    if (!payload.empty() && payload.front() == fields_marker)
      fields = nlohmann::ordered_json::parse(payload.substr(1), nullptr, false);
    if (!fields.is_object())
      fields = {{"msg", std::string{payload}}};
    if (Json) {
      out = dump(fields);
      out = out.substr(1, out.size() - 2); // members, inside the line's own braces
    } else {
      out = as_text(fields);
    }
    dest.append(out.data(), out.data() + out.size());
  }

  std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
    return std::make_unique<message_flag>();
  }
};

} // namespace

void set_format(format f, const std::string& node) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (f == format::json) {
    formatter->add_flag<message_flag<true>>('*').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","node":)" + dump(node) + ",%*}");
  } else {
    formatter->add_flag<message_flag<false>>('*').set_pattern(
      "[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %*");
  }
  spdlog::set_formatter(std::move(formatter));
  installed.store(true, std::memory_order_relaxed);
}

void run(spdlog::level::level_enum level, const event_context& ctx, std::string message) {
  run(level, ctx.run_id, ctx.session_id, ctx.kind + "/" + ctx.component_id, std::move(message));
}

void run(spdlog::level::level_enum level, std::string_view run_id, std::string_view session_id,
         std::string_view component, std::string message) {
  emit(level, {{"msg", std::move(message)},
               {"run_id", run_id},
               {"session_id", session_id},
               {"component", component}});
}

void request(std::string_view method, std::string_view path, unsigned status,
             double duration_ms, size_t bytes) {
  emit(spdlog::level::info, {{"msg", "request"},
                             {"method", method},
                             {"path", path},
                             {"status", status},
                             {"duration_ms", std::round(duration_ms * 1000) / 1000},
                             {"bytes", bytes}});
}

} // namespace runcast::logs
