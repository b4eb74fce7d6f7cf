#pragma once

#include <cstddef>
#include <memory>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace runcast::runtime {

/// The executor asynchronous runnables own their I/O on: one io_context run by a few
/// threads, shared by every run (never a thread per run). Kept running until `stop`.
class io_pool {
public:
  explicit io_pool(size_t threads);
  ~io_pool();

  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  /// The io_context runnables use.
  boost::asio::io_context& context();

  /// Stops the io_context (pending handlers are abandoned) and joins the threads.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace runcast::runtime
