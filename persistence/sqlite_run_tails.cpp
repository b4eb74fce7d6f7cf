#include "persistence/sqlite_run_tails.hpp"

#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement_use.hpp"

namespace runcast::persistence::detail {

void sqlite_run_tails::begin(sqlite_connection& writer) {
  staged_.clear();
  constexpr const char* operation = "data_version";
  sqlite_statement_use use{writer.handle(), writer.prepared("PRAGMA data_version", operation),
                           operation};
  if (!use.next_row())
    return;
  auto version = use.integer(0);
  if (data_version_ && *data_version_ != version)
    clear();
  data_version_ = version;
}

std::optional<sqlite_run_tails::tail> sqlite_run_tails::find(std::string_view run_id) const {
  std::string id{run_id}; // C++17 unordered_map has no heterogeneous lookup
  if (auto i = staged_.find(id); i != staged_.end())
    return i->second;
  if (auto i = known_.find(id); i != known_.end())
    return i->second;
  return std::nullopt;
}

void sqlite_run_tails::stage(std::string_view run_id, tail t) {
  staged_.insert_or_assign(std::string{run_id}, t);
}

void sqlite_run_tails::commit() {
  size_t added = 0;
  for (const auto& entry : staged_)
    added += known_.count(entry.first) == 0 ? 1 : 0;
  if (known_.size() + added > capacity_)
    known_.clear(); // rare (many runs written at once): they are looked up again
  for (auto& [id, t] : staged_)
    known_.insert_or_assign(id, t);
  staged_.clear();
}

} // namespace runcast::persistence::detail
