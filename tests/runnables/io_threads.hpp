#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <thread>
#include <vector>

namespace runcast::test {

/// An io_context run by two threads (so that strands matter), like the runtime's io_pool.
/// Declare it before anything its handlers may keep alive: its destructor stops and joins
/// the threads, then the io_context drops the handlers still pending — on this thread, so
/// nothing they own is destroyed on (and joins) an io thread.
class io_threads {
public:
  io_threads() : work_(io_.get_executor()) {
    for (int i = 0; i < 2; ++i)
      threads_.emplace_back([this] { io_.run(); });
  }

  ~io_threads() {
    work_.reset();
    io_.stop();
    for (auto& t : threads_)
      t.join();
  }

  io_threads(const io_threads&) = delete;
  io_threads& operator=(const io_threads&) = delete;

  /// The io_context the threads run.
  boost::asio::io_context& context() { return io_; }

private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

} // namespace runcast::test
