#pragma once

#include "tests/support/temp_dir.hpp"

#include <fstream>
#include <string>

namespace runcast::test {

/// A config file with `text` in a fresh directory, removed with it.
struct config_test_file {
  explicit config_test_file(const std::string& text) {
    std::ofstream{path} << text;
  }

  temp_dir dir{"runcast-config"};
  std::string path = dir.file("runcast.json").string();
};

} // namespace runcast::test
