#include "tests/support/source_dir.hpp"

#include <cstdlib>

namespace runcast::test {

std::string source_dir() {
  const char* given = std::getenv("RUNCAST_SOURCE_DIR");
  return given != nullptr && *given != '\0' ? given : RUNCAST_BUILT_FROM; // CMakeLists.txt
}

} // namespace runcast::test
