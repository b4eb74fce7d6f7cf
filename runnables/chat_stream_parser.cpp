#include "runnables/chat_stream_parser.hpp"

namespace runcast::runnables {

namespace {

std::string string_or_empty(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

} // namespace

chat_stream_parser::delta chat_stream_parser::on_line(std::string_view line) {
  if (line.empty())
    return dispatch();
  if (line.substr(0, 5) != "data:")
    return {}; // `event:`, `id:`, `retry:` and `: comments` mean nothing here
  auto value = line.substr(5);
  if (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  if (has_data_)
    data_ += '\n';
  data_.append(value.data(), value.size());
  has_data_ = true;
  return {};
}

chat_stream_parser::delta chat_stream_parser::finish() {
  return dispatch();
}

chat_stream_parser::delta chat_stream_parser::dispatch() {
  if (!has_data_)
    return {};
  std::string data;
  data.swap(data_);
  has_data_ = false;
  if (done_)
    return {};
  if (data == "[DONE]") {
    done_ = true;
    return {};
  }
  auto chunk = nlohmann::json::parse(data, nullptr, false);
  if (chunk.is_discarded() || !chunk.is_object())
    return {{}, false, "upstream sent a malformed stream chunk"};
  return on_chunk(chunk);
}

chat_stream_parser::delta chat_stream_parser::on_chunk(const nlohmann::json& chunk) {
  delta d;
  // Some OpenAI-compatible servers report a failure inside the stream, after the 200.
  if (auto err = chunk.find("error"); err != chunk.end() && !err->is_null()) {
    std::string msg = err->is_object() ? string_or_empty(*err, "message")
                                       : (err->is_string() ? err->get<std::string>() : "");
    d.error = "upstream reported an error in the stream: " +
              (msg.empty() ? std::string{"(no message)"} : msg.substr(0, 500));
    return d;
  }
  if (auto u = chunk.find("usage"); u != chunk.end() && u->is_object())
    usage_ = *u;
  auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array() || choices->empty())
    return d; // the usage-only last chunk has no choices
  const auto& choice = (*choices)[0];
  if (!choice.is_object())
    return d;
  if (auto fr = choice.find("finish_reason"); fr != choice.end() && fr->is_string())
    finish_reason_ = fr->get<std::string>();
  auto delta_it = choice.find("delta");
  if (delta_it == choice.end() || !delta_it->is_object())
    return d;
  d.content = string_or_empty(*delta_it, "content");
  auto calls = delta_it->find("tool_calls");
  if (calls != delta_it->end() && calls->is_array()) {
    for (const auto& fragment : *calls) {
      if (auto err = on_tool_fragment(fragment)) {
        d.error = std::move(err);
        return d;
      }
      d.tool_progress = true;
    }
  }
  return d;
}

std::optional<std::string> chat_stream_parser::on_tool_fragment(const nlohmann::json& fragment) {
  if (!fragment.is_object())
    return "upstream sent a malformed tool call";
  size_t index = calls_.size() == 0 ? 0 : calls_.size() - 1;
  if (auto i = fragment.find("index"); i != fragment.end() && i->is_number_unsigned())
    index = i->get<size_t>();
  if (index >= max_tool_calls)
    return "upstream asked for more than " + std::to_string(max_tool_calls) + " tool calls";
  if (index >= calls_.size())
    calls_.resize(index + 1);
  auto& call = calls_[index];
  if (auto id = string_or_empty(fragment, "id"); !id.empty())
    call.id = id;
  if (auto fn = fragment.find("function"); fn != fragment.end() && fn->is_object()) {
    // A name arrives whole in practice, but some servers repeat it: never concatenate.
    if (auto name = string_or_empty(*fn, "name"); !name.empty())
      call.name = name;
    auto args = string_or_empty(*fn, "arguments");
    arguments_bytes_ += args.size();
    if (arguments_bytes_ > max_arguments_bytes)
      return std::string{"upstream sent tool-call arguments over 1 MiB"};
    call.arguments += args;
  }
  return std::nullopt;
}

} // namespace runcast::runnables
