#pragma once

// The targets' own checks. Not assert(): the fuzz build is RelWithDebInfo, whose NDEBUG
// would compile assert() away, and a failed check must stop libFuzzer with the input saved.

#include <cstdio>

/// Stops the run (libFuzzer saves the input as crash-*) when `cond` is false, saying why.
#define FUZZ_CHECK(cond, why)                                                          \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond, \
                   why);                                                               \
      __builtin_trap();                                                                \
    }                                                                                  \
  } while (false)
