#include "cluster/relay_sink.hpp"

#include "actors/type_ids.hpp"

#include <caf/send.hpp>

namespace runcast::cluster {

using namespace runcast::actors;

relay_sink::relay_sink(wire_sink_actor remote, std::shared_ptr<node_metrics> metrics)
  : remote_(std::move(remote)), metrics_(std::move(metrics)) {
  if (metrics_)
    metrics_->subscriber_added(node_metrics::subscriber_kind::remote);
}

relay_sink::~relay_sink() {
  if (metrics_)
    metrics_->subscriber_removed(node_metrics::subscriber_kind::remote);
}

void relay_sink::on_not_found(const std::string&) {
  caf::anon_send(remote_, missing_atom::value);
}

void relay_sink::on_frames(std::vector<frame_ptr> frames) {
  // The one copy a remote subscriber costs: shared frames become plain strings.
  std::vector<std::string> wire;
  wire.reserve(frames.size());
  for (auto& f : frames)
    wire.push_back(f->str());
  caf::anon_send(remote_, frames_atom::value, std::move(wire));
}

void relay_sink::on_end(frame_ptr last, bool abort) {
  caf::anon_send(remote_, end_atom::value, last ? last->str() : std::string{}, abort);
}

} // namespace runcast::cluster
