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
  // C++17's unordered_map has no lookup by string_view: a key buffer kept for it, so that a
  // lookup (one per run per commit) allocates nothing.
  probe_.assign(run_id);
  if (auto i = staged_.find(probe_); i != staged_.end())
    return i->second;
  if (auto i = known_.find(probe_); i != known_.end())
    return i->second;
  return std::nullopt;
}

void sqlite_run_tails::stage(std::string_view run_id, tail t) {
  probe_.assign(run_id);
  if (auto i = staged_.find(probe_); i != staged_.end())
    i->second = t;
  else
    staged_.emplace(probe_, t);
}

void sqlite_run_tails::commit() {
  known_.merge(staged_); // the runs new to it move over, node and all
  for (const auto& [id, t] : staged_)
    known_.find(id)->second = t; // the runs it knew (merge left them): their new tails
  staged_.clear();
  if (known_.size() > capacity_)
    known_.clear(); // rare (many runs written at once): they are looked up again
}

} // namespace runcast::persistence::detail
