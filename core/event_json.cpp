#include "core/event_json.hpp"

#include "core/event_encoder.hpp"

namespace runcast {

std::string_view singular_kind(std::string_view kind) {
  if (kind == "teams")
    return "team";
  if (kind == "workflows")
    return "workflow";
  return "agent";
}

std::string encode_event_data(const event_context& ctx, const event_draft& ev, int64_t index,
                              int64_t created_at) {
  return event_encoder{ctx}.encode(ev, index, created_at);
}

} // namespace runcast
