#pragma once

#include <memory>

namespace runcast::http {

class http_session;

/// Routes the session's current request to its handler (authentication, path and method
/// matching, parameter parsing); unknown paths get 404, wrong methods 405, all as JSON.
void route(const std::shared_ptr<http_session>& session);

} // namespace runcast::http
