#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace runcast::runtime {

/// A few threads for blocking store calls, so that neither an Asio I/O thread nor a CAF
/// worker ever waits on the database. Work queued when `join` has run is dropped.
class store_pool {
public:
  explicit store_pool(size_t threads);
  ~store_pool();

  store_pool(const store_pool&) = delete;
  store_pool& operator=(const store_pool&) = delete;

  /// Runs `work` on one of the threads.
  void post(std::function<void()> work);

  /// Waits for the queued work and stops the threads.
  void join();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace runcast::runtime
