#pragma once

#include <string>

namespace runcast::test {

/// The source tree the tests read files of (examples/, docs/, tests/support/): the
/// RUNCAST_SOURCE_DIR environment variable when set (CTest sets it), else the tree this
/// binary was built from — so that a test binary run by hand finds them too.
std::string source_dir();

} // namespace runcast::test
