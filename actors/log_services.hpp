#pragma once

#include "actors/log_budget.hpp"
#include "core/node_metrics.hpp"
#include "actors/store_actor.hpp"

#include <memory>

namespace runcast::actors {

class log_directory;

/// What every event log of a node shares: the store's writer (one write in flight per log,
/// in index order; batches of all runs committed together), a reader for what memory no
/// longer holds (a thread of its own and, for SQLite, read-only connections, so a read does
/// not queue behind the writes; with PostgreSQL both share the connection pool), and the
/// node-wide memory bounds; and the directory local clients find the logs in.
struct log_services {
  store_actor writer;
  store_actor reader;
  std::shared_ptr<log_budget> budget;
  /// Never null: a node's services share the engine's; a log made alone gets its own.
  std::shared_ptr<node_metrics> metrics = std::make_shared<node_metrics>();
  /// Where the run manager lists the logs it starts, for local clients; null: not listed.
  std::shared_ptr<log_directory> directory = nullptr;
};

} // namespace runcast::actors
