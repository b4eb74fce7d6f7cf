#pragma once

// runcast's one type-ID block: every message tag (atom) of runcast's actors, the error
// enum that crosses actor boundaries, and the local message types. Atoms are at most 10
// characters (CAF 0.17).

#include "actors/direct_request.hpp"
#include "actors/protocol.hpp"
#include "actors/start_request.hpp"
#include "core/errc.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/message.hpp>
#include <caf/type_id.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(runcast, caf::first_custom_type_id)

  CAF_ADD_ATOM(runcast, runcast::actors, append_atom, "append")
  CAF_ADD_ATOM(runcast, runcast::actors, cancel_atom, "cancel")
  CAF_ADD_ATOM(runcast, runcast::actors, child_atom, "child")
  CAF_ADD_ATOM(runcast, runcast::actors, close_atom, "close")
  CAF_ADD_ATOM(runcast, runcast::actors, connect_to_atom, "connectto")
  CAF_ADD_ATOM(runcast, runcast::actors, create_atom, "create")
  CAF_ADD_ATOM(runcast, runcast::actors, credit_atom, "credit")
  CAF_ADD_ATOM(runcast, runcast::actors, done_atom, "done")
  CAF_ADD_ATOM(runcast, runcast::actors, drain_atom, "drain")
  CAF_ADD_ATOM(runcast, runcast::actors, end_atom, "end")
  CAF_ADD_ATOM(runcast, runcast::actors, expire_atom, "expire")
  CAF_ADD_ATOM(runcast, runcast::actors, fail_atom, "fail")
  CAF_ADD_ATOM(runcast, runcast::actors, flush_atom, "flush")
  CAF_ADD_ATOM(runcast, runcast::actors, frames_atom, "frames")
  CAF_ADD_ATOM(runcast, runcast::actors, hello_atom, "hello")
  CAF_ADD_ATOM(runcast, runcast::actors, load_atom, "load")
  CAF_ADD_ATOM(runcast, runcast::actors, lookup_atom, "lookup")
  CAF_ADD_ATOM(runcast, runcast::actors, missing_atom, "missing")
  CAF_ADD_ATOM(runcast, runcast::actors, pacer_atom, "pacer")
  CAF_ADD_ATOM(runcast, runcast::actors, pause_atom, "pause")
  CAF_ADD_ATOM(runcast, runcast::actors, peers_atom, "peers")
  CAF_ADD_ATOM(runcast, runcast::actors, publish_atom, "publish")
  CAF_ADD_ATOM(runcast, runcast::actors, shutdown_atom, "shutdown")
  CAF_ADD_ATOM(runcast, runcast::actors, start_atom, "start")
  CAF_ADD_ATOM(runcast, runcast::actors, stats_atom, "stats")
  CAF_ADD_ATOM(runcast, runcast::actors, status_atom, "status")
  CAF_ADD_ATOM(runcast, runcast::actors, step_atom, "step")
  CAF_ADD_ATOM(runcast, runcast::actors, subscribe_atom, "subscribe")
  CAF_ADD_ATOM(runcast, runcast::actors, tick_atom, "tick")
  CAF_ADD_ATOM(runcast, runcast::actors, watch_atom, "watch")

CAF_END_TYPE_ID_BLOCK(runcast)

// runcast's errors travel between actors as caf::error of category "runcast"; actors/errors.hpp
// turns one back into a `failure`.
CAF_ERROR_CODE_ENUM(runcast::errc, "runcast")

// The local protocol types travel between actors of one process only: they hold shared
// pointers and are never serialized. Cross-node messages use CAF's built-in types only
// (atoms, strings, integers, vectors of strings, caf::actor), so no node must register
// anything alike.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::child_start)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::draft_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::frame_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::event_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::pending_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::run_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::run_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::run_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::subscription_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::cancel_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::log_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::persistence::run_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::frame_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::direct_request_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(runcast::actors::start_request_ptr)
