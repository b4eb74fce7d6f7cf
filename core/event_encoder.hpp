#pragma once

#include "core/event.hpp"
#include "core/sse.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace runcast {

struct event_context;

/// Writes the `data:` JSON of a run's events without building a JSON tree: the fields every
/// event of the run repeats are escaped once, here, and each event adds only its type,
/// content and index (and its own fields, when it has any). The output is byte-identical to
/// nlohmann's `dump(-1, ' ', false, error_handler_t::replace)` of the same object
/// (tests/core/event_encoder_test.cpp holds it to that).
class event_encoder {
public:
  explicit event_encoder(const event_context& ctx);
  event_encoder() = default;

  /// Appends the event's data to `out`.
  void encode(const event_draft& ev, int64_t index, int64_t created_at,
              std::string& out) const;

  std::string encode(const event_draft& ev, int64_t index, int64_t created_at) const {
    std::string out;
    encode(ev, index, created_at, out);
    return out;
  }

  /// Appends the event's whole SSE frame to `out` (what encode_event_frame writes for this
  /// data) and says where its type and data lie in `out`.
  event_frame_layout encode_frame(const event_draft& ev, int64_t index, int64_t created_at,
                                  std::string& out) const;

  /// Appends `s` as a JSON string, as nlohmann writes it (control characters escaped,
  /// UTF-8 kept, invalid UTF-8 replaced by U+FFFD).
  static void append_string(std::string& out, std::string_view s);

private:
  /// `,"<kind>_id":…,"<kind>_name":…,"run_id":…,"session_id":…`, ready to append.
  std::string constant_;
  /// The keys an event's own fields may not take (they are the event's).
  std::string kind_id_key_;
  std::string kind_name_key_;
};

} // namespace runcast
