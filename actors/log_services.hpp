#pragma once

#include "actors/log_budget.hpp"
#include "actors/store_actor.hpp"

#include <memory>

namespace runcast::actors {

/// What every event log of a node shares: the store's writer (one write in flight per log,
/// in index order), a reader for what memory no longer holds (its own thread and, for
/// SQLite, its own connection, so a resume never waits behind the writes), and the
/// node-wide memory bounds.
struct log_services {
  store_actor writer;
  store_actor reader;
  std::shared_ptr<log_budget> budget;
};

} // namespace runcast::actors
