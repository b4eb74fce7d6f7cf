#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace runcast::persistence::detail {

/// Message text on one line, without libpq's trailing newline.
std::string one_line(std::string_view text);

/// "pg store: <operation>: <message>", on one line and with every spelling in `secrets`
/// (the URL's password) replaced by "***".
std::string describe(std::string_view operation, std::string_view message,
                     const std::vector<std::string>& secrets);

} // namespace runcast::persistence::detail
