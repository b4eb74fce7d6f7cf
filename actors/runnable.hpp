#pragma once

#include "core/component.hpp"
#include "core/event.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runcast::actors {

/// One step of a run: events to publish now, then either the next step after `delay`, or the
/// end of the run with its `output`.
struct step {
  std::vector<event_draft> events;
  std::chrono::milliseconds delay{0};
  bool last = false;
  std::optional<std::string> output; ///< the run's final content, with `last`
};

/// What a run executes. The run actor calls `next()` step by step on a CAF worker, so a step
/// must not block; waiting happens between steps (the run actor's timer), which is also where
/// a cancel takes effect.
class runnable {
public:
  virtual ~runnable() = default;

  /// The next step. Throws to fail the run (the message becomes its RunError).
  virtual step next() = 0;
};

/// Builds the runnable a component names, for one run. `params` holds the form fields that
/// are not part of the run contract (merged over the component's defaults). Throws
/// std::invalid_argument with a client-facing message for bad parameters.
std::shared_ptr<runnable> make_runnable(const component& c, const std::string& message,
                                        const nlohmann::json& params);

} // namespace runcast::actors
