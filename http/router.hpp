#pragma once

#include "core/component_registry.hpp"
#include "http/beast.hpp"
#include "http/handlers.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::http {

class http_session;

/// A handler the routing table names; it gets what the path and query said.
using endpoint = void (*)(const std::shared_ptr<http_session>&, const target&);

/// How a request is to be answered, decided from the request alone before any handler runs.
struct route_decision {
  endpoint handler = nullptr;               ///< the handler to run; null: answer the error
  std::string_view pattern;                 ///< the route's pattern, when the path fits one
  target args;                              ///< what the handler gets
  bhttp::status status = bhttp::status::ok; ///< the error's status, when there is no handler
  std::string detail;                       ///< the error's `detail`
  std::string allow;                        ///< on 405: the methods the path accepts
};

/// Decides how to answer `req`: the bearer key (`auth_key` empty: none needed), the path
/// against the routing table, its parameters, then the method. Pure: it runs no handler and
/// needs only the components, so every answer given before a handler tests without a runtime.
route_decision decide_route(const request& req, const std::string& auth_key,
                            const component_registry& components);

/// The answer to a decision without a handler: `{"detail": …}` with its status, plus `Allow`
/// on a 405 and `WWW-Authenticate: Bearer` on a 401.
response error_answer(const request& req, const route_decision& decision);

/// The answer to a CORS preflight (http/cors.hpp) with `origins` allowed: 204 with the
/// methods the path accepts, 403 for another origin, the routing error (404, …) for a path
/// that names nothing.
response preflight_answer(const request& req, const std::vector<std::string>& origins,
                          const component_registry& components);

/// One row of the routing table, for documents that must list every route (the OpenAPI
/// document's test compares its paths with these).
struct route_info {
  bhttp::verb method;   ///< the row's method
  std::string pattern;  ///< its pattern, `{name}` for a parameter, as OpenAPI writes paths
};

/// Every route the router serves, in table order.
std::vector<route_info> route_list();

/// Routes the session's current request: runs its handler or answers its error.
void route(const std::shared_ptr<http_session>& session);

} // namespace runcast::http
