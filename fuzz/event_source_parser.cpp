#include "fuzz/event_source_parser.hpp"

namespace runcast::fuzz {

void event_source_parser::feed(std::string_view bytes) {
  if (!started_ && !bytes.empty()) {
    // "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
    // (Only a BOM that arrives whole in the first chunk: enough for this target.)
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF")
      bytes.remove_prefix(3);
    started_ = true;
  }
  for (char c : bytes) {
    // Lines end with CRLF, a lone LF or a lone CR.
    if (c == '\n' && after_cr_) {
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\r' || c == '\n') {
      auto line = std::move(line_);
      line_.clear();
      interpret(line);
    } else {
      line_ += c;
    }
  }
}

bool event_source_parser::idle() const {
  return line_.empty() && !fields_seen_;
}

void event_source_parser::interpret(std::string_view line) {
  if (line.empty())
    return dispatch();
  if (line.front() == ':')
    return; // a comment
  auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return process_field(line, {});
  auto value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ')
    value.remove_prefix(1); // exactly one space, not all of them
  process_field(line.substr(0, colon), value);
}

void event_source_parser::process_field(std::string_view name, std::string_view value) {
  fields_seen_ = true;
  if (name == "event") {
    type_ = value;
  } else if (name == "data") {
    data_.append(value).append("\n");
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos)
      last_id_buffer_ = value;
  } else if (name == "retry") {
    if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos
        && value.size() <= 18)
      retry_ = std::stoll(std::string{value});
  }
  // Any other field is ignored.
}

void event_source_parser::dispatch() {
  fields_seen_ = false;
  last_event_id_ = last_id_buffer_;
  if (data_.empty()) {
    type_.clear();
    return;
  }
  if (data_.back() == '\n')
    data_.pop_back();
  events_.push_back({type_.empty() ? "message" : type_, data_, last_event_id_});
  data_.clear();
  type_.clear();
}

} // namespace runcast::fuzz
