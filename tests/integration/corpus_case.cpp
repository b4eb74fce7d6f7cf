#include "tests/integration/corpus_case.hpp"

#include <charconv>
#include <fstream>
#include <stdexcept>

namespace runcast::test {

namespace {

// Repeats are for floods and overlong fields; past this a typo would eat the machine.
constexpr std::size_t max_expanded_bytes = 64 << 20;

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Expands `text` from `pos` up to an unescaped '}' (when `in_repeat`) or its end.
std::string expand_from(std::string_view text, std::size_t& pos, bool in_repeat,
                        std::optional<std::size_t> content_length) {
  auto bad = [&](const std::string& why) {
    return std::invalid_argument(why + " at column " + std::to_string(pos + 1));
  };
  std::string out;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '}' && in_repeat) {
      ++pos;
      return out;
    }
    if (c == '\\') {
      if (pos + 1 >= text.size())
        throw bad("'\\' at the end of the line");
      char e = text[pos + 1];
      pos += 2;
      switch (e) {
        case 'r': out += '\r'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case '0': out += '\0'; break;
        case '\\': case '{': case '}': case '$': out += e; break;
        case 'x': {
          int hi = pos + 1 < text.size() ? hex_digit(text[pos]) : -1;
          int lo = pos + 1 < text.size() ? hex_digit(text[pos + 1]) : -1;
          if (hi < 0 || lo < 0)
            throw bad("\\x needs two hex digits");
          out += static_cast<char>(hi * 16 + lo);
          pos += 2;
          break;
        }
        default:
          throw bad(std::string{"unknown escape \\"} + e);
      }
      continue;
    }
    if (c == '$' && text.substr(pos, 2) == "${") {
      pos += 2;
      if (text.substr(pos, 3) == "CL}") {
        if (!content_length)
          throw bad("${CL} outside a case with a body");
        out += std::to_string(*content_length);
        pos += 3;
        continue;
      }
      std::size_t count = 0;
      auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), count);
      if (ec != std::errc{} || end == text.data() + text.size() || *end != '*')
        throw bad("'${' starts neither ${N*text} nor ${CL} (write \\$)");
      pos = static_cast<std::size_t>(end - text.data()) + 1;
      auto unit = expand_from(text, pos, true, content_length);
      if (unit.size() * count > max_expanded_bytes)
        throw bad("a repeat of more than 64 MiB");
      for (std::size_t i = 0; i < count; ++i)
        out += unit;
      continue;
    }
    out += c;
    ++pos;
  }
  if (in_repeat)
    throw bad("unterminated ${N*...}");
  return out;
}

/// The raw (unexpanded) texts of a case while its lines are read.
struct raw_case {
  corpus_case c;
  std::string send, body, tail, expect;
};

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = std::min(text.find(' ', pos), text.size());
    if (end > pos)
      out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

void parse_expect(corpus_case& c, const std::string& expect) {
  std::string end_word;
  for (const auto& word : split_words(expect)) {
    if (word == "close" || word == "keep" || word == "none") {
      if (!end_word.empty())
        throw std::invalid_argument("two of close/keep/none");
      end_word = word;
    } else if (word == "head") {
      c.head = true;
    } else {
      int status = 0;
      auto [p, ec] = std::from_chars(word.data(), word.data() + word.size(), status);
      if (ec != std::errc{} || p != word.data() + word.size() || status < 100 || status > 599)
        throw std::invalid_argument("unknown word \"" + word + "\"");
      c.statuses.push_back(status);
    }
  }
  if (end_word.empty())
    throw std::invalid_argument("say how the connection ends: close, keep or none");
  if (end_word == "none" && !c.statuses.empty())
    throw std::invalid_argument("'none' with statuses");
  if (end_word == "keep" && c.statuses.empty())
    throw std::invalid_argument("'keep' needs at least one answer");
  c.end = end_word == "keep" ? connection_end::kept : connection_end::closed;
}

int parse_repeat(const std::string& text) {
  int n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p != text.data() + text.size() || n < 1 || n > 1000)
    return 0; // refused by finish()
  return n;
}

corpus_case finish(raw_case raw) {
  auto& c = raw.c;
  if (raw.send.empty() && c.then == after_send::wait)
    throw std::invalid_argument("no send: line");
  if (raw.expect.empty())
    throw std::invalid_argument("no expect: line");
  auto body = expand_corpus_text(raw.body);
  c.bytes = expand_corpus_text(raw.send, body.size()) + body + expand_corpus_text(raw.tail);
  parse_expect(c, raw.expect);
  if (c.repeat < 1)
    throw std::invalid_argument("repeat: takes a count from 1 to 1000");
  if (c.then == after_send::reset && (!c.statuses.empty() || c.end != connection_end::closed))
    throw std::invalid_argument("a reset case reads nothing: expect none");
  if (c.then == after_send::shutdown && c.end == connection_end::kept)
    throw std::invalid_argument("a half-closed connection cannot be kept");
  return std::move(c);
}

} // namespace

std::string expand_corpus_text(std::string_view text, std::optional<std::size_t> content_length) {
  std::size_t pos = 0;
  return expand_from(text, pos, false, content_length);
}

std::vector<corpus_case> load_corpus(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot read corpus file " + file.string());
  std::vector<corpus_case> out;
  std::optional<raw_case> current;
  std::string line;
  int number = 0;
  int case_line = 0;
  auto fail = [&](int at, const std::string& why) {
    return std::runtime_error(file.filename().string() + ":" + std::to_string(at) + ": " + why);
  };
  auto close_case = [&] {
    if (!current)
      return;
    try {
      out.push_back(finish(std::move(*current)));
    } catch (const std::invalid_argument& e) {
      throw fail(case_line, "case \"" + current->c.name + "\": " + e.what());
    }
    current.reset();
  };
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r')
      throw fail(number, "CRLF line ending (write \\r\\n in the text instead)");
    if (line.empty() || line[0] == '#')
      continue;
    auto colon = line.find(": ");
    if (colon == std::string::npos)
      throw fail(number, "expected \"key: value\"");
    auto key = line.substr(0, colon);
    auto value = line.substr(colon + 2);
    if (key == "case") {
      close_case();
      current.emplace();
      current->c.name = value;
      current->c.where = file.filename().string() + ":" + std::to_string(number);
      case_line = number;
      continue;
    }
    if (!current)
      throw fail(number, "\"" + key + "\" before the first case:");
    auto& r = *current;
    if (key == "send")
      r.send += value;
    else if (key == "body")
      r.body += value;
    else if (key == "tail")
      r.tail += value;
    else if (key == "expect")
      r.expect = value;
    else if (key == "detail")
      r.c.detail = value;
    else if (key == "bug")
      r.c.bug += (r.c.bug.empty() ? "" : " ") + value;
    else if (key == "args")
      r.c.server_args = split_words(value);
    else if (key == "repeat")
      r.c.repeat = parse_repeat(value);
    else if (key == "why")
      continue; // for the reader: why this answer is the right one
    else if (key == "then" && (value == "shutdown" || value == "reset"))
      r.c.then = value == "shutdown" ? after_send::shutdown : after_send::reset;
    else
      throw fail(number, "unknown key or value \"" + line + "\"");
  }
  close_case();
  return out;
}

} // namespace runcast::test
