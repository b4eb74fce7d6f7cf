#pragma once

#include "http/beast.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

// The one response builder: every answer gets the Server header, the request's HTTP
// version and keep-alive, a content type and a prepared payload here (an SSE answer its
// header fields, its body being written chunk by chunk later).
namespace runcast::http {

/// A response with `body` of `content_type` (empty type and body: no content).
response make_response(const request& req, bhttp::status status, std::string_view content_type,
                       std::string body);

/// A JSON response.
response json_response(const request& req, bhttp::status status, const nlohmann::json& body);

/// An error answer: `{"detail": "…"}`, the one error shape of the API.
response error_response(const request& req, bhttp::status status, const std::string& detail);

/// The header of an SSE answer to a request of HTTP `version`: a chunked, uncached
/// `text/event-stream` that proxies must not buffer, and the last answer on its connection.
bhttp::response<bhttp::empty_body> event_stream_header(unsigned version);

} // namespace runcast::http
