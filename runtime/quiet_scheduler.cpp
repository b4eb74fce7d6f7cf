#include "runtime/quiet_scheduler.hpp"

#include <caf/detail/set_thread_name.hpp>

namespace runcast::runtime {

void quiet_scheduler::start() {
  thread_ = std::thread{[this] {
    caf::detail::set_thread_name("caf.clock");
    system().thread_started();
    clock_.run_dispatch_loop();
    system().thread_terminates();
  }};
  super::start();
}

void quiet_scheduler::stop() {
  // The workers first (the coordinator's stop): an actor they run may still set a timer.
  super::stop();
  clock_.cancel_dispatch_loop();
  thread_.join();
}

} // namespace runcast::runtime
