#pragma once

#include "actors/protocol.hpp"
#include "actors/runnable_registry.hpp"
#include "core/component_registry.hpp"
#include "core/errc.hpp"
#include "runtime/engine.hpp"

#include <string>

namespace runcast::runtime {

/// Validates a run request and builds what starting it takes: the run record (new run id,
/// the session id or a new one, this node as owner, PENDING), the event context and the
/// runnable. `not_found` for an unknown component; `invalid_argument` for a bad session id,
/// user id, message or runnable parameter, with a message for the client.
outcome<actors::run_spec> build_run(const run_request& req, const component_registry& components,
                                    const actors::runnable_registry& runnables,
                                    const std::string& node_id);

/// Builds a child run of `parent` (run_context::start_child): its run_info (the parent's
/// session and user, the child component's kind and names) and runnable. `not_found` for an
/// unknown component, `invalid_argument` for a bad parameter.
outcome<std::pair<actors::run_info, std::shared_ptr<actors::runnable>>>
build_child(const actors::child_request& req, const actors::run_info& parent,
            const component_registry& components, const actors::runnable_registry& runnables);

} // namespace runcast::runtime
