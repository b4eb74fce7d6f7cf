#include "persistence/sqlite_event_block.hpp"

#include "persistence/store.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace runcast::persistence::detail {

namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the block encoding copies integers and doubles as they are in memory");
static_assert(std::numeric_limits<double>::is_iec559);

constexpr unsigned char format_1 = 1;
constexpr unsigned char format_2 = 2;
constexpr unsigned char new_created_at = 1;
constexpr unsigned char new_type = 2;

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_varint(std::string& out, uint64_t value) {
  char bytes[10];
  size_t n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<char>(value);
  out.append(bytes, n);
}

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t unzigzag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

void check_size(std::string_view text) {
  if (text.size() > std::numeric_limits<uint32_t>::max())
    throw store_error("sqlite store: append_events: an event of "
                      + std::to_string(text.size()) + " bytes is too large to store");
}

/// How many leading bytes `a` and `b` share, compared a word at a time.
size_t shared_prefix(std::string_view a, std::string_view b) {
  const auto n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y)
      return i + static_cast<size_t>(__builtin_ctzll(x ^ y) / 8);
  }
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

/// Reads from a block, checking every size against what is left.
class reader {
public:
  reader(std::string_view bytes, std::string_view run_id, std::string_view operation)
    : bytes_(bytes), run_id_(run_id), operation_(operation) {
  }

  bool done() const {
    return bytes_.empty();
  }

  template <class T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)).data(), sizeof(T));
    return value;
  }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      auto byte = static_cast<unsigned char>(take(1)[0]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return value;
    }
    corrupt("has a number longer than 64 bits");
  }

  std::string_view text() {
    return take(get<uint32_t>());
  }

  std::string_view take(uint64_t n) {
    if (n > bytes_.size())
      corrupt("is cut short");
    auto part = bytes_.substr(0, static_cast<size_t>(n));
    bytes_.remove_prefix(static_cast<size_t>(n));
    return part;
  }

  [[noreturn]] void corrupt(const std::string& what) const {
    throw store_error("sqlite store: " + std::string{operation_} + ": an event block of run '"
                      + std::string{run_id_} + "' " + what + " (corrupt database?)");
  }

private:
  std::string_view bytes_;
  std::string_view run_id_;
  std::string_view operation_;
};

/// Format 1: every field of every event in full.
size_t visit_format_1(reader& in, int64_t from, size_t limit,
                      const std::function<void(const stored_event_view&)>& visit) {
  size_t visited = 0;
  while (!in.done() && visited < limit) {
    stored_event_view event;
    event.index = in.get<int64_t>();
    event.created_at = in.get<double>();
    event.type = in.text();
    event.data = in.text();
    if (event.index < from)
      continue;
    visit(event);
    ++visited;
  }
  return visited;
}

/// Format 2: each event as it differs from the one before (sqlite_event_block.hpp).
size_t visit_format_2(reader& in, int64_t from, size_t limit,
                      const std::function<void(const stored_event_view&)>& visit) {
  size_t visited = 0;
  stored_event_view event;
  std::string data; // the event's data, rebuilt over the previous one's
  bool first = true;
  while (!in.done() && visited < limit) {
    // Unsigned, so that a corrupt delta wraps rather than overflows.
    event.index = static_cast<int64_t>(static_cast<uint64_t>(event.index)
                                       + static_cast<uint64_t>(unzigzag(in.varint())));
    auto flags = in.get<unsigned char>();
    if (flags & ~(new_created_at | new_type))
      in.corrupt("has an event with flags this build does not know");
    if (first && flags != (new_created_at | new_type))
      in.corrupt("starts with an event that refers to one before it");
    first = false;
    if (flags & new_created_at)
      event.created_at = in.get<double>();
    if (flags & new_type)
      event.type = in.take(in.varint());
    auto shared = in.varint();
    if (shared > data.size())
      in.corrupt("shares more data with an event than that event has");
    data.resize(static_cast<size_t>(shared));
    data.append(in.take(in.varint()));
    if (event.index < from)
      continue;
    event.data = data;
    visit(event);
    ++visited;
  }
  return visited;
}

} // namespace

block_encoder::block_encoder(std::string& out) : out_(out) {
  out_.clear();
  out_.push_back(static_cast<char>(format_2));
}

bool block_encoder::add(const event_row& event, size_t cap) {
  check_size(event.type);
  check_size(event.data);
  const auto size_before = out_.size();
  const bool first = empty_;
  const auto base = first ? 0 : static_cast<uint64_t>(previous_.index);
  put_varint(out_, zigzag(static_cast<int64_t>(static_cast<uint64_t>(event.index) - base)));
  unsigned char flags = 0;
  if (first || event.created_at != previous_.created_at)
    flags |= new_created_at;
  if (first || event.type != previous_.type)
    flags |= new_type;
  out_.push_back(static_cast<char>(flags));
  if (flags & new_created_at)
    put(out_, event.created_at);
  if (flags & new_type) {
    put_varint(out_, event.type.size());
    out_.append(event.type);
  }
  const auto shared = first ? 0 : shared_prefix(previous_.data, event.data);
  put_varint(out_, shared);
  put_varint(out_, event.data.size() - shared);
  out_.append(event.data.substr(shared));
  if (!first && out_.size() > cap) {
    out_.resize(size_before);
    return false;
  }
  empty_ = false;
  previous_ = event;
  return true;
}

void encode_events(const event_row* first, const event_row* last, std::string& out) {
  block_encoder block{out};
  for (auto* e = first; e != last; ++e)
    block.add(*e);
}

size_t visit_block(std::string_view run_id, std::string_view block, int64_t from, size_t limit,
                   const std::function<void(const stored_event_view&)>& visit,
                   std::string_view operation) {
  reader in{block, run_id, operation};
  auto format = static_cast<unsigned char>(in.take(1)[0]);
  if (format == format_2)
    return visit_format_2(in, from, limit, visit);
  if (format == format_1)
    return visit_format_1(in, from, limit, visit);
  throw store_error("sqlite store: " + std::string{operation} + ": an event block of run '"
                    + std::string{run_id} + "' has format " + std::to_string(format)
                    + ", which this build does not know; upgrade runcast");
}

void decode_block(std::string_view run_id, std::string_view block, int64_t from, size_t limit,
                  std::vector<stored_event>& out, std::string_view operation) {
  if (out.size() >= limit)
    return;
  visit_block(
    run_id, block, from, limit - out.size(),
    [&](const stored_event_view& e) {
      out.push_back({std::string{run_id}, e.index, std::string{e.type}, std::string{e.data},
                     e.created_at});
    },
    operation);
}

} // namespace runcast::persistence::detail
