#pragma once

#include "runcast/runnable.hpp"

#include <boost/asio/thread_pool.hpp>

#include <memory>

namespace runcast {

/// A plain blocking function as an async producer: `start` posts the call to the
/// functions' thread pool; its return value completes the run, an exception fails it.
class function_runnable : public async_runnable {
public:
  function_runnable(function_body body, std::shared_ptr<boost::asio::thread_pool> pool);

  void start(std::shared_ptr<run_context> ctx) override;

private:
  function_body body_;
  std::shared_ptr<boost::asio::thread_pool> pool_;
};

} // namespace runcast
