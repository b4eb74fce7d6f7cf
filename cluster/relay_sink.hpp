#pragma once

#include "core/frame_sink.hpp"
#include "core/node_metrics.hpp"

#include "actors/subscriber_actor.hpp"

#include <memory>
#include <string>
#include <vector>

namespace runcast::cluster {

/// The owner node's end of a remote subscription: a frame sink that forwards what a local
/// subscriber actor receives to the subscriber on the client's node, in wire form (only CAF
/// built-in types cross nodes). The gateway spawns an ordinary `actors::subscriber` with
/// this sink, so following a run is written once for local and remote clients.
///
/// Sends to the remote subscriber: `(frames_atom, std::vector<std::string>)`…, then
/// `(end_atom, std::string last_frame, bool abort)`, or `(missing_atom)` when the run has no
/// event log here (the remote subscriber then replays from the shared store).
class relay_sink : public frame_sink {
public:
  /// Counted in `metrics` (if not null) as a remote subscriber while it lives.
  relay_sink(actors::wire_sink_actor remote, std::shared_ptr<node_metrics> metrics);
  ~relay_sink() override;

  void on_not_found(const std::string& lost_owner) override;
  void on_frames(std::vector<frame_ptr> frames) override;
  void on_end(frame_ptr last, bool abort) override;

private:
  actors::wire_sink_actor remote_;
  std::shared_ptr<node_metrics> metrics_;
};

} // namespace runcast::cluster
