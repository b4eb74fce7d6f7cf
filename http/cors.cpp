#include "http/cors.hpp"

#include "core/config_checker.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <stdexcept>

namespace runcast::http::cors {

bool allows(const std::vector<std::string>& allowed, std::string_view origin) {
  return !origin.empty()
         && std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

void add_headers(const std::vector<std::string>& allowed, const request& req,
                 bhttp::fields& out) {
  if (allowed.empty())
    return;
  auto origin = req[bhttp::field::origin];
  out.set(bhttp::field::vary, "Origin"); // the answer differs by Origin: caches must know
  if (!allows(allowed, {origin.data(), origin.size()}))
    return;
  out.set(bhttp::field::access_control_allow_origin, origin);
  out.set(bhttp::field::access_control_allow_credentials, "true");
  out.set(bhttp::field::access_control_expose_headers, "Retry-After");
}

bool is_preflight(const request& req) {
  return req.method() == bhttp::verb::options && req.count(bhttp::field::origin) > 0
         && req.count(bhttp::field::access_control_request_method) > 0;
}

void check_origin(const std::string& origin) {
  auto url = boost::urls::parse_absolute_uri(origin);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || !url->has_authority()
      || url->host().empty() || !url->encoded_path().empty() || url->has_query()
      || url->has_userinfo())
    throw std::invalid_argument("must be an origin such as https://app.example.com[:port]; got "
                                + json_string(origin));
}

} // namespace runcast::http::cors
