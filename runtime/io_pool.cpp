#include "runtime/io_pool.hpp"

#include "core/thread_name.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <spdlog/spdlog.h>

#include <string>
#include <thread>
#include <vector>

namespace runcast::runtime {

struct io_pool::impl {
  boost::asio::io_context ioc;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
    ioc.get_executor()};
  std::vector<std::thread> threads;
};

io_pool::io_pool(size_t threads) : impl_(std::make_unique<impl>()) {
  for (size_t i = 0; i < threads; ++i)
    impl_->threads.emplace_back([this, i] {
      name_this_thread("rc-io-" + std::to_string(i));
      // A runnable's handler that throws must not take the process down: log, go on.
      for (;;) {
        try {
          impl_->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("io executor: a runnable's handler threw: {}", e.what());
        }
      }
    });
}

io_pool::~io_pool() {
  stop();
}

boost::asio::io_context& io_pool::context() {
  return impl_->ioc;
}

void io_pool::stop() {
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable())
      t.join();
  impl_->threads.clear();
}

} // namespace runcast::runtime
