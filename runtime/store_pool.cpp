#include "runtime/store_pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace runcast::runtime {

struct store_pool::impl {
  explicit impl(size_t threads) : pool(threads) {
  }
  boost::asio::thread_pool pool;
};

store_pool::store_pool(size_t threads) : impl_(std::make_unique<impl>(threads)) {
}

store_pool::~store_pool() {
  join();
}

void store_pool::post(std::function<void()> work) {
  boost::asio::post(impl_->pool, std::move(work));
}

void store_pool::join() {
  impl_->pool.join();
}

} // namespace runcast::runtime
