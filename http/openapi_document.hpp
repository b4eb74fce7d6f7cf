#pragma once

#include <string_view>

namespace runcast::http {

/// The OpenAPI 3.1 document of the HTTP API (web/openapi.json), embedded at build time and
/// served at `GET /openapi.json`. tests/http/openapi_test.cpp keeps its paths and the router's
/// routes the same set.
extern const std::string_view openapi_document;

} // namespace runcast::http
