#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::fuzz {

/// One event as a browser's EventSource hands it to a listener.
struct dispatched_event {
  std::string type;          ///< "message" when the stream named none
  std::string data;
  std::string last_event_id; ///< the event's `lastEventId`
};

/// Reads an event stream as the WHATWG HTML standard says an EventSource does ("Interpreting
/// an event stream"), written from the standard and not from runcast's encoder so that the
/// SSE round trip has an independent judge. It works on bytes: decoding UTF-8 is the identity
/// on the valid UTF-8 the fuzz target sends.
class event_source_parser {
public:
  /// Reads more of the stream; every line completed by it is interpreted at once.
  void feed(std::string_view bytes);

  /// Every event dispatched so far, in order.
  const std::vector<dispatched_event>& events() const {
    return events_;
  }

  /// The reconnection time the last valid `retry:` set, if any.
  std::optional<int64_t> retry() const {
    return retry_;
  }

  /// True between events: no partial line and nothing buffered for the next event, i.e. the
  /// stream so far ended with a blank line after its last field.
  bool idle() const;

private:
  void interpret(std::string_view line);
  void process_field(std::string_view name, std::string_view value);
  void dispatch();

  std::string line_;           ///< bytes of the line not yet ended
  bool after_cr_ = false;      ///< the last line ended with CR: an LF next belongs to it
  bool started_ = false;       ///< past the optional leading BOM
  bool fields_seen_ = false;   ///< a field since the last dispatch (for idle())
  std::string data_;           ///< the data buffer
  std::string type_;           ///< the event type buffer
  std::string last_id_buffer_; ///< the last event ID buffer
  std::string last_event_id_;  ///< the last event ID string
  std::optional<int64_t> retry_;
  std::vector<dispatched_event> events_;
};

} // namespace runcast::fuzz
