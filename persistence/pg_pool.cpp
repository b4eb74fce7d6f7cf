#include "persistence/pg_pool.hpp"

#include "persistence/pg_errors.hpp"

#include <poll.h>

#include <algorithm>

namespace runcast::persistence::detail {

namespace {

/// False if an idle connection was closed by the server while it sat in the pool.
bool still_connected(pg_connection& c) noexcept {
  if (!c.conn.is_open())
    return false;
  pollfd pfd{};
  pfd.fd = c.conn.sock();
  pfd.events = POLLIN;
  if (pfd.fd < 0)
    return false;
  // An idle connection is sent nothing (we LISTEN to nothing, and every reply was read by
  // the call that asked for it), so a readable socket means the server spoke unasked: a
  // FATAL goodbye (shutdown, restart, terminated backend, idle timeout), then EOF. The EOF
  // may still be on its way, so the goodbye alone decides. Checking costs no round trip;
  // without it every pooled connection would fail one call after a server restart.
  return ::poll(&pfd, 1, 0) == 0;
}

} // namespace

// -- constructors, destructors ---------------------------------------------------------------

pg_pool::pg_pool(pg_settings settings, pg_store_options options)
  : settings_(std::move(settings)), options_(options), reconnect_delay_(options.reconnect_min) {
}

pg_pool::lease::lease(pg_pool& pool, std::unique_ptr<pg_connection> c)
  : pool_(pool), c_(std::move(c)) {
}

pg_pool::lease::~lease() {
  pool_.release(std::move(c_), keep_ && c_->conn.is_open());
}

// -- properties ------------------------------------------------------------------------------

size_t pg_pool::size() const noexcept {
  return settings_.pool_size;
}

std::string pg_pool::describe(std::string_view operation, std::string_view message) const {
  return detail::describe(operation, message, settings_.secrets);
}

// -- broken connections ----------------------------------------------------------------------

bool pg_pool::connection_lost(const std::exception& e, pg_connection& c) {
  if (!c.conn.is_open())
    return true;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr
      || dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr)
    return true;
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    // Class 08: connection exception; 57P: the server is shutting down or restarting.
    const auto& state = sql->sqlstate();
    return state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0;
  }
  return false;
}

// -- checkout --------------------------------------------------------------------------------

std::unique_ptr<pg_connection> pg_pool::acquire(std::string_view operation) {
  // Declared before the lock, so dead connections are closed after it is released.
  std::vector<std::unique_ptr<pg_connection>> dead;
  std::unique_lock<std::mutex> lock{mutex_};
  const auto deadline = clock_type::now() + options_.acquire_timeout;
  for (;;) {
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (still_connected(*c))
        return c;
      --open_;
      dead.push_back(std::move(c));
    }
    if (open_ < settings_.pool_size)
      return connect(lock, operation);
    // Every connection is busy: wait for one to come back (or to be dropped, which frees
    // a slot for a new one).
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty()
        && open_ >= settings_.pool_size)
      throw store_error(describe(
        operation, "no free connection within "
                     + std::to_string(options_.acquire_timeout.count()) + " ms (pool_size "
                     + std::to_string(settings_.pool_size) + ")"));
  }
}

std::unique_ptr<pg_connection> pg_pool::connect(std::unique_lock<std::mutex>& lock,
                                                std::string_view operation) {
  // While the server is unreachable, one caller at a time probes it, and not more often
  // than the backoff allows; the others fail at once instead of piling onto a dead server
  // (their callers retry anyway).
  if (unreachable_) {
    if (probing_ || clock_type::now() < next_connect_)
      throw store_error(describe(operation, "server unreachable, reconnecting (last error: "
                                              + last_error_ + ")"));
    probing_ = true;
  }
  ++open_;
  lock.unlock();
  // Connecting blocks (up to connect_timeout), so it happens outside the lock.
  std::unique_ptr<pg_connection> c;
  std::string failure;
  try {
    c = std::make_unique<pg_connection>(settings_.conninfo);
  } catch (const std::exception& e) {
    failure = one_line(e.what());
  }
  lock.lock();
  probing_ = false;
  if (c) {
    unreachable_ = false;
    reconnect_delay_ = options_.reconnect_min;
    return c;
  }
  --open_;
  unreachable_ = true;
  next_connect_ = clock_type::now() + reconnect_delay_;
  reconnect_delay_ = std::min(reconnect_delay_ * 2, options_.reconnect_max);
  last_error_ = failure;
  // Callers waiting for a slot should fail now too, not at their deadline.
  cv_.notify_all();
  throw store_error(describe(operation, "connect: " + failure));
}

void pg_pool::release(std::unique_ptr<pg_connection> c, bool reusable) {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    if (reusable) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
  // A dropped connection is closed here, outside the lock.
}

} // namespace runcast::persistence::detail
