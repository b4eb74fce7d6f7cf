#include "http/json_response.hpp"

namespace runcast::http {

response make_response(const request& req, bhttp::status status, std::string_view content_type,
                       std::string body) {
  response res{status, req.version()};
  res.set(bhttp::field::server, "runcast");
  if (!content_type.empty())
    res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response json_response(const request& req, bhttp::status status, const nlohmann::json& body) {
  return make_response(req, status, "application/json",
                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

response error_response(const request& req, bhttp::status status, const std::string& detail) {
  return json_response(req, status, {{"detail", detail}});
}

} // namespace runcast::http
