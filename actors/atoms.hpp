#pragma once

#include <caf/atom.hpp>

/// Message tags of runcast's actors (CAF 0.17 atoms: at most 10 characters).
namespace runcast::actors {

using append_atom = caf::atom_constant<caf::atom("append")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using create_atom = caf::atom_constant<caf::atom("create")>;
using credit_atom = caf::atom_constant<caf::atom("credit")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using end_atom = caf::atom_constant<caf::atom("end")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
using hello_atom = caf::atom_constant<caf::atom("hello")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using frames_atom = caf::atom_constant<caf::atom("frames")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using missing_atom = caf::atom_constant<caf::atom("missing")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using step_atom = caf::atom_constant<caf::atom("step")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;

} // namespace runcast::actors
