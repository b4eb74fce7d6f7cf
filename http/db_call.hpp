#pragma once

#include "http/http_session.hpp"
#include "http/json_response.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <utility>

namespace runcast::http {

/// Runs `work` (blocking store calls) on the store's thread pool, never on an I/O thread.
/// A store failure answers 503 with a JSON detail and is logged once, here.
template <class Work>
void on_db(const std::shared_ptr<http_session>& s, Work work) {
  net::post(s->ctx().db_pool, [s, work = std::move(work)]() mutable {
    try {
      work();
    } catch (const persistence::store_error& e) {
      spdlog::error("{} {}: store failed: {}", std::string{s->req().method_string()},
                    std::string{s->req().target()}, e.what());
      s->respond(error_response(s->req(), bhttp::status::service_unavailable,
                                "the store is unavailable; try again"));
    }
  });
}

} // namespace runcast::http
