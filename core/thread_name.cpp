#include "core/thread_name.hpp"

#include <pthread.h>

namespace runcast {

void name_this_thread(const std::string& name) {
  // pthread_setname_np refuses names over 15 bytes (ERANGE) rather than cutting them.
  auto cut = name.substr(0, 15);
  pthread_setname_np(pthread_self(), cut.c_str());
}

} // namespace runcast
