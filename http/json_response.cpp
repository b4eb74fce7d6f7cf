#include "http/json_response.hpp"

namespace runcast::http {

namespace {

constexpr std::string_view server_name = "runcast";

} // namespace

response make_response(const request& req, bhttp::status status, std::string_view content_type,
                       std::string body) {
  response res{status, req.version()};
  res.set(bhttp::field::server, server_name);
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

bhttp::response<bhttp::empty_body> event_stream_header(unsigned version) {
  bhttp::response<bhttp::empty_body> res{bhttp::status::ok, version};
  res.set(bhttp::field::server, server_name);
  res.set(bhttp::field::content_type, "text/event-stream");
  res.set(bhttp::field::cache_control, "no-cache");
  res.set("X-Accel-Buffering", "no"); // proxies such as nginx must not buffer the stream
  res.keep_alive(false);              // one stream per connection; it ends with the run
  res.chunked(true);
  return res;
}

} // namespace runcast::http
