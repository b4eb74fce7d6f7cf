#include "http/sse_sink.hpp"

#include "http/sse_stream.hpp"

namespace runcast::http {

sse_sink::sse_sink(std::weak_ptr<sse_stream> stream,
                   std::function<void(const std::string&)> on_not_found)
  : stream_(std::move(stream)), on_not_found_(std::move(on_not_found)) {
}

void sse_sink::on_not_found(const std::string& lost_owner) {
  if (auto s = stream_.lock())
    net::post(s->executor(), [f = on_not_found_, lost_owner] { f(lost_owner); });
}

void sse_sink::on_frames(std::vector<frame_ptr> frames) {
  if (auto s = stream_.lock())
    s->send(std::move(frames));
}

void sse_sink::on_end(frame_ptr last, bool abort) {
  if (auto s = stream_.lock())
    s->finish(std::move(last), abort);
}

} // namespace runcast::http
