#pragma once

/// @file
/// The version of the runcast library a program was compiled against.

namespace runcast {

/// Major version: changes break the public API.
constexpr int version_major = 0;

/// Minor version: additions to the public API.
constexpr int version_minor = 1;

/// Patch version: fixes.
constexpr int version_patch = 0;

/// "MAJOR.MINOR.PATCH".
constexpr const char* version_string = "0.1.0";

} // namespace runcast
