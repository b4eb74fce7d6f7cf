#include "runtime/access.hpp"

namespace runcast::runtime {

bool authorize(const run_record& run, const access& who) {
  if (!who.session_id || who.session_id->empty() || *who.session_id != run.session_id)
    return false;
  return !who.user_id || who.user_id->empty() || *who.user_id == run.user_id;
}

} // namespace runcast::runtime
