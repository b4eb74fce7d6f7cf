#include "core/event_encoder.hpp"

#include "core/event_json.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstring>

namespace runcast {

namespace {

/// Well-formed UTF-8 as Unicode defines it (no overlongs, no surrogates, ≤ U+10FFFF): what
/// nlohmann's decoder accepts.
bool valid_utf8(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  auto end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    auto need = [&](size_t n) { return static_cast<size_t>(end - p) > n; };
    auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
    unsigned char c = *p;
    if (c >= 0xC2 && c <= 0xDF) {
      if (!need(1) || !cont(p[1]))
        return false;
      p += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (!need(2) || !cont(p[1]) || !cont(p[2]))
        return false;
      if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
        return false;
      p += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (!need(3) || !cont(p[1]) || !cont(p[2]) || !cont(p[3]))
        return false;
      if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
        return false;
      p += 4;
    } else {
      return false;
    }
  }
  return true;
}

/// How many leading bytes of `s` are ASCII that JSON takes as they are (no control
/// character, quote or backslash), counted a word at a time: a word is clean when none of
/// its bytes has the high bit set, is below 0x20, or equals '"' or '\\' (the zero-byte tests
/// of "Bit Twiddling Hacks"; a false alarm only sends a word to the byte loop).
size_t plain_ascii_prefix(std::string_view s) {
  constexpr uint64_t ones = 0x0101010101010101;
  constexpr uint64_t highs = 0x8080808080808080;
  auto has_zero = [](uint64_t w) { return (w - ones) & ~w & highs; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    uint64_t dirty = (w & highs) | ((w - 0x20 * ones) & ~w & highs)
                     | has_zero(w ^ ('"' * ones)) | has_zero(w ^ ('\\' * ones));
    if (dirty)
      break;
  }
  for (; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\')
      break;
  }
  return i;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_key(std::string& out, std::string_view key) {
  out.push_back(',');
  event_encoder::append_string(out, key);
  out.push_back(':');
}

} // namespace

void event_encoder::append_string(std::string& out, std::string_view s) {
  // Most text is ASCII with nothing to escape: skip it eight bytes at a time (this was a
  // tenth of the server's CPU in live 1->1 when it went byte by byte), append it in one
  // piece, and take the byte-by-byte path below only from the first byte that needs it.
  size_t clean = plain_ascii_prefix(s);
  if (clean == s.size()) {
    out.reserve(out.size() + s.size() + 2);
    out.push_back('"');
    out.append(s.data(), s.size());
    out.push_back('"');
    return;
  }
  if (!valid_utf8(s.substr(clean))) {
    // Rare (runnable output is not ours to trust): let nlohmann decide the replacements.
    out += nlohmann::json(std::string{s}).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
    return;
  }
  out.push_back('"');
  size_t plain = 0; // start of the bytes not yet appended
  // After each byte that stops the word scan, the scan goes on from the next one.
  for (size_t i = clean; i < s.size(); i += 1 + plain_ascii_prefix(s.substr(i + 1))) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue; // a byte of a multi-byte UTF-8 character
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        out.append(u, sizeof u);
      }
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out.push_back('"');
}

event_encoder::event_encoder(const event_context& ctx) {
  auto kind = std::string{singular_kind(ctx.kind)};
  kind_id_key_ = kind + "_id";
  kind_name_key_ = kind + "_name";
  append_key(constant_, kind_id_key_);
  append_string(constant_, ctx.component_id);
  append_key(constant_, kind_name_key_);
  append_string(constant_, ctx.component_name);
  append_key(constant_, "run_id");
  append_string(constant_, ctx.run_id);
  append_key(constant_, "session_id");
  append_string(constant_, ctx.session_id);
}

void event_encoder::encode(const event_draft& ev, int64_t index, int64_t created_at,
                           std::string& out) const {
  out.reserve(out.size() + 64 + constant_.size() + ev.type.size()
              + (ev.content ? ev.content->size() + 16 : 0));
  out += "{\"created_at\":";
  append_int(out, created_at);
  out += ",\"event\":";
  append_string(out, ev.type);
  out += constant_;
  if (ev.fields.is_object()) {
    for (const auto& [key, value] : ev.fields.items()) {
      // The event's own keys win, as they would in a JSON object built in this order.
      if (key == "created_at" || key == "event" || key == kind_id_key_ || key == kind_name_key_
          || key == "run_id" || key == "session_id" || key == "content"
          || key == "event_index")
        continue;
      append_key(out, key);
      out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  if (ev.content) {
    out += ",\"content\":";
    append_string(out, *ev.content);
  }
  out += ",\"event_index\":";
  append_int(out, index);
  out.push_back('}');
}

event_frame_layout event_encoder::encode_frame(const event_draft& ev, int64_t index,
                                               int64_t created_at, std::string& out) const {
  event_frame_layout at;
  out += "id: ";
  append_int(out, index);
  out += "\nevent: ";
  at.type_at = static_cast<uint32_t>(out.size());
  out += ev.type;
  at.type_size = static_cast<uint32_t>(ev.type.size());
  out += "\ndata: ";
  at.data_at = static_cast<uint32_t>(out.size());
  encode(ev, index, created_at, out);
  at.data_size = static_cast<uint32_t>(out.size() - at.data_at);
  out += "\n\n";
  return at;
}

} // namespace runcast
