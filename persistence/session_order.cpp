#include "persistence/session_order.hpp"

#include <stdexcept>

namespace runcast::persistence::detail {

session_order order_of(const session_filter& filter) {
  const char* column = nullptr;
  if (filter.sort_by == "created_at")
    column = "created_at";
  else if (filter.sort_by == "updated_at")
    column = "updated_at";
  else
    throw std::invalid_argument("list_sessions: sort_by must be created_at or updated_at");
  if (filter.limit == 0 || filter.page == 0)
    throw std::invalid_argument("list_sessions: limit and page must be at least 1");
  return {column, filter.descending ? " DESC" : " ASC"};
}

} // namespace runcast::persistence::detail
