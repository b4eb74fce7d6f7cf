#pragma once

#include "core/component.hpp"
#include "core/config_checker.hpp"

#include <string>

namespace runcast {

/// Checks what every component has — "id" (required, core/ids.hpp is_valid_id), "name"
/// (default: the id), "description" — and returns a component of `kind` with them set.
component check_component_header(const config_json& obj, const std::string& path,
                                 const std::string& kind, config_checker& check);

/// `v` as the plain (key-sorted) JSON the rest of runcast uses.
nlohmann::json to_plain_json(const config_json& v);

} // namespace runcast
