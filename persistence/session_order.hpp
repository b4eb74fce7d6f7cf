#pragma once

#include "persistence/store.hpp"

namespace runcast::persistence::detail {

/// The ORDER BY of a session listing, from a fixed choice: never SQL built from the caller.
struct session_order {
  const char* column;    ///< "created_at" or "updated_at"
  const char* direction; ///< " ASC" or " DESC"
};

/// Validates a session filter's order and paging for both stores; throws
/// std::invalid_argument for an unknown sort_by or a zero limit/page.
session_order order_of(const session_filter& filter);

} // namespace runcast::persistence::detail
