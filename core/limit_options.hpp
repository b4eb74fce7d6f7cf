#pragma once

#include "core/limits.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace runcast {

/// One member of `limits` as a command-line option: `--flag N`, within [min, max].
/// Durations are given in milliseconds (their flags end in `-ms`).
struct limit_option {
  const char* flag;  ///< without the leading "--"
  const char* help;
  std::variant<size_t limits::*, limits::ms limits::*> field;
  int64_t min;
  int64_t max;
};

/// Every option of `limits`, in the order `--help` lists them.
const std::vector<limit_option>& limit_options();

/// The option's current value in `lim`, as a number (milliseconds for durations).
int64_t value_of(const limit_option& o, const limits& lim);

/// Sets the option in `lim`; the caller has checked the range.
void set_value(const limit_option& o, limits& lim, int64_t value);

/// The `--help` lines of every option, each with its default from `limits{}`.
std::string limit_options_help();

} // namespace runcast
