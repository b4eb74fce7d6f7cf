#include "runtime/store_pool.hpp"

#include "core/thread_name.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <utility>

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
  boost::asio::post(impl_->pool, [work = std::move(work)] {
    // Asio's pool starts its threads itself: each names itself with its first job.
    thread_local bool named = false;
    if (!std::exchange(named, true))
      name_this_thread("rc-store-pool");
    work();
  });
}

void store_pool::join() {
  impl_->pool.join();
}

} // namespace runcast::runtime
