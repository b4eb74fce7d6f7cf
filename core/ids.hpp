#pragma once

#include <string>
#include <string_view>

namespace runcast {

/// Returns a new UUID in its canonical 36-character text form: version 7, time-ordered
/// (milliseconds) with 74 random bits from the kernel's CSPRNG.
std::string make_uuid();

/// True for ids a client may send us: 1..128 characters of [A-Za-z0-9._:-].
/// Anything else is rejected before it reaches a store or a log line.
bool is_valid_id(std::string_view id);

/// Seconds since the epoch, with sub-second precision (the `created_at` of events).
double now_seconds();

} // namespace runcast
