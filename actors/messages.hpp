#pragma once

#include "actors/protocol.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

// The protocol types travel between actors of one process only: they hold shared pointers
// and are never serialized. Cross-node messages (cluster/) get serializable types of their own.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::draft_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::frame_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::event_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::run_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::run_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::subscription_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::cancel_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::log_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::persistence::run_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::frame_ptr)
