#include "http/json_response.hpp"

namespace runcast::http {

response json_response(const request& req, bhttp::status status, const nlohmann::json& body) {
  response res{status, req.version()};
  res.set(bhttp::field::server, "runcast");
  res.set(bhttp::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

response error_response(const request& req, bhttp::status status, const std::string& detail) {
  return json_response(req, status, {{"detail", detail}});
}

} // namespace runcast::http
