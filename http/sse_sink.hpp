#pragma once

#include "core/frame_sink.hpp"

#include <functional>
#include <memory>

namespace runcast::http {

class sse_stream;

/// Adapts an sse_stream to the actor side's frame_sink. Holds the stream weakly: the
/// event log (or a subscriber actor) owns the sink, the stream owns the subscription, and a
/// strong pointer back would make a cycle that outlives a client who left.
class sse_sink : public frame_sink {
public:
  sse_sink(std::weak_ptr<sse_stream> stream,
           std::function<void(const std::string&)> on_not_found);

  void on_not_found(const std::string& lost_owner) override;
  void on_frames(std::vector<frame_ptr> frames) override;
  void on_end(frame_ptr last, bool abort) override;

private:
  std::weak_ptr<sse_stream> stream_;
  std::function<void(const std::string&)> on_not_found_;
};

} // namespace runcast::http
