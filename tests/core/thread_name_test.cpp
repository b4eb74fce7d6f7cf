#include "core/thread_name.hpp"

#include <catch2/catch.hpp>

#include <pthread.h>

#include <string>
#include <thread>

namespace {

std::string name_of_this_thread() {
  char name[32] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

} // namespace

TEST_CASE("name_this_thread: the name as set, cut to Linux's 15 bytes") {
  std::string short_name, long_name;
  std::thread{[&] {
    runcast::name_this_thread("rc-http-1");
    short_name = name_of_this_thread();
    runcast::name_this_thread("rc-a-name-longer-than-fifteen");
    long_name = name_of_this_thread();
  }}.join();
  CHECK(short_name == "rc-http-1");
  CHECK(long_name == "rc-a-name-longe");
}
