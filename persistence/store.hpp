#pragma once

#include "core/event.hpp"
#include "core/run_record.hpp"
#include "core/session_record.hpp"
#include "core/run_status.hpp"
#include "core/sse.hpp"
#include "persistence/write_group.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace runcast::persistence {

// The records are vocabulary every module shares (core/); the store speaks them.
using runcast::run_filter;
using runcast::run_record;
using runcast::session_filter;
using runcast::session_page;
using runcast::session_record;

/// Raised by a store for any database failure; the message names the operation.
class store_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The durable state of runcast: sessions, runs, events. Every method is safe to call from
/// any thread (implementations serialize as their database requires) and may block: call it
/// from a detached actor or a blocking thread pool, never from an Asio or CAF worker thread.
class store {
public:
  virtual ~store() = default;

  /// Inserts a run, creating its session (keyed by session_id) if it does not exist yet,
  /// else moving the session's updated_at to the run's created_at (never backwards: nodes'
  /// clocks may disagree). Throws store_error if the run id exists.
  virtual void create_run(const run_record& run) = 0;

  /// Moves a run to `status`; content/error are written when given. Returns false if the
  /// run does not exist.
  virtual bool update_run_status(const std::string& run_id, run_status status,
                                 const std::optional<std::string>& content,
                                 const std::optional<std::string>& error, double updated_at)
    = 0;

  /// Appends events in one transaction. Idempotent: an event whose (run_id, index) exists
  /// already is skipped, so a retried batch never duplicates.
  virtual void append_events(const std::vector<stored_event>& events) = 0;

  /// Writes a group in one transaction, all of it or nothing: as create_run for each run,
  /// then append_events, then update_run_status for each status change. Throws store_error
  /// if any part fails (a run id that exists, …), and then nothing of the group is stored.
  /// Returns, for each status change, whether its run existed.
  virtual std::vector<bool> write(const write_group& group) = 0;

  /// The run, or nullopt.
  virtual std::optional<run_record> find_run(const std::string& run_id) = 0;

  /// Runs matching the filter, newest first.
  virtual std::vector<run_record> list_runs(const run_filter& filter) = 0;

  /// Events of a run with index >= from, ascending, at most `limit`.
  virtual std::vector<stored_event> load_events(const std::string& run_id, int64_t from,
                                                size_t limit)
    = 0;

  /// Called with each event a read hands over; the view is valid only during the call.
  using event_visitor = std::function<void(const stored_event_view&)>;

  /// The events load_events returns, handed to `visit` one by one where the read holds
  /// them, with no copy of their own. This one copies (it calls load_events); a store
  /// that can do without overrides it.
  virtual void visit_events(const std::string& run_id, int64_t from, size_t limit,
                            const event_visitor& visit);

  /// The events load_events returns, each already in its SSE frame: what every store
  /// replay sends (one allocation per event, the frame's).
  std::vector<stored_frame> load_frames(const std::string& run_id, int64_t from,
                                        size_t limit);

  /// One past the highest event index stored for a run, 0 if it has none: the index its
  /// next event gets. With holes in the indices this is not the count of stored events
  /// (load_events returns those). Implementations answer it with an index seek on
  /// (run_id, event_index), so it costs the same for a run with a million events.
  virtual int64_t next_event_index(const std::string& run_id) = 0;

  /// Sessions matching the filter, one page of them, with the total count. Throws
  /// std::invalid_argument for a sort_by other than created_at/updated_at or a zero
  /// limit/page (the HTTP layer validates first; this guards against SQL built from input).
  virtual session_page list_sessions(const session_filter& filter) = 0;

  /// The session, or nullopt.
  virtual std::optional<session_record> find_session(const std::string& session_id) = 0;

  /// Deletes a session with all its runs and their events, in one transaction. Returns
  /// false if there was no such session.
  virtual bool delete_session(const std::string& session_id) = 0;

  /// Runs owned by `owner_node` whose status is PENDING or RUNNING.
  virtual std::vector<run_record> unfinished_runs(const std::string& owner_node) = 0;
};

/// Opens a store from a URL: `sqlite:path/to/file.db` (created if missing) or
/// `postgresql://user@host:port/db[?pool_size=N]`. Creates or migrates the schema. Throws
/// store_error if it cannot.
std::unique_ptr<store> open_store(const std::string& url);

} // namespace runcast::persistence
