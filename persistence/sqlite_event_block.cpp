#include "persistence/sqlite_event_block.hpp"

#include "persistence/store.hpp"

#include <cstdint>
#include <cstring>
#include <limits>

namespace runcast::persistence::detail {

namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the block encoding copies integers and doubles as they are in memory");
static_assert(std::numeric_limits<double>::is_iec559);

constexpr unsigned char format_1 = 1;
// index, created_at, and the two sizes.
constexpr size_t fixed_bytes = 8 + 8 + 4 + 4;

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_text(std::string& out, std::string_view text) {
  if (text.size() > std::numeric_limits<uint32_t>::max())
    throw store_error("sqlite store: append_events: an event of "
                      + std::to_string(text.size()) + " bytes is too large to store");
  put(out, static_cast<uint32_t>(text.size()));
  out.append(text);
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

  std::string_view text() {
    return take(get<uint32_t>());
  }

  std::string_view take(size_t n) {
    if (n > bytes_.size())
      throw store_error("sqlite store: " + std::string{operation_} + ": an event block of run '"
                        + std::string{run_id_} + "' is cut short (corrupt database?)");
    auto part = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return part;
  }

private:
  std::string_view bytes_;
  std::string_view run_id_;
  std::string_view operation_;
};

} // namespace

size_t encoded_size(const event_row& event) {
  return fixed_bytes + event.type.size() + event.data.size();
}

void encode_events(const event_row* first, const event_row* last, std::string& out) {
  if (out.empty())
    out.push_back(static_cast<char>(format_1));
  for (auto* e = first; e != last; ++e) {
    put(out, e->index);
    put(out, e->created_at);
    put_text(out, e->type);
    put_text(out, e->data);
  }
}

size_t visit_block(std::string_view run_id, std::string_view block, int64_t from, size_t limit,
                   const std::function<void(const stored_event_view&)>& visit,
                   std::string_view operation) {
  reader in{block, run_id, operation};
  auto format = static_cast<unsigned char>(in.take(1)[0]);
  if (format != format_1)
    throw store_error("sqlite store: " + std::string{operation} + ": an event block of run '"
                      + std::string{run_id} + "' has format " + std::to_string(format)
                      + ", which this build does not know; upgrade runcast");
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
