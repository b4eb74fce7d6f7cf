#pragma once

#include "http/beast.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace runcast::http {

/// A JSON response with the request's HTTP version and keep-alive.
response json_response(const request& req, bhttp::status status, const nlohmann::json& body);

/// An error answer: `{"detail": "…"}`, the one error shape of the API.
response error_response(const request& req, bhttp::status status, const std::string& detail);

} // namespace runcast::http
