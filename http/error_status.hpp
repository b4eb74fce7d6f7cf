#pragma once

#include "core/errc.hpp"
#include "http/beast.hpp"

namespace runcast::http {

/// The one table from runcast's error codes to HTTP statuses.
inline bhttp::status status_of(errc code) {
  switch (code) {
    case errc::not_found:
      return bhttp::status::not_found;
    case errc::invalid_argument:
      return bhttp::status::unprocessable_entity;
    case errc::conflict:
      return bhttp::status::conflict;
    case errc::overloaded:
      return bhttp::status::too_many_requests;
    case errc::unavailable:
    case errc::shutting_down:
    case errc::draining:
      return bhttp::status::service_unavailable;
    case errc::internal:
      break;
  }
  return bhttp::status::internal_server_error;
}

} // namespace runcast::http
