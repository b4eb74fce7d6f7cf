#include "persistence/store.hpp"

#include "persistence/pg_store.hpp"
#include "persistence/sqlite_store.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace runcast::persistence {

namespace {

constexpr std::string_view usage = "use sqlite:path or postgresql://…";

/// The URL's scheme in lower case (schemes are case-insensitive), or empty if it has none.
std::string scheme_of(std::string_view url) {
  auto colon = url.find(':');
  if (colon == std::string_view::npos)
    return {};
  std::string scheme{url.substr(0, colon)};
  for (auto& c : scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme;
}

} // namespace

void store::visit_events(const std::string& run_id, int64_t from, size_t limit,
                         const event_visitor& visit) {
  for (const auto& e : load_events(run_id, from, limit))
    visit({e.index, e.type, e.data, e.created_at});
}

std::vector<stored_frame> store::load_frames(const std::string& run_id, int64_t from,
                                             size_t limit) {
  std::vector<stored_frame> frames;
  frames.reserve(std::min<size_t>(limit, 4096));
  visit_events(run_id, from, limit, [&frames](const stored_event_view& e) {
    frames.push_back({e.index, make_event_frame(e.index, e.type, e.data)});
  });
  return frames;
}

std::unique_ptr<store> open_store(const std::string& url) {
  // Error messages name only the scheme: the rest of a database URL may hold a password.
  const auto scheme = scheme_of(url);
  if (scheme == "sqlite") {
    std::string_view path{url};
    path.remove_prefix(scheme.size() + 1);
    // `sqlite://x` is accepted as a courtesy; `sqlite:///abs/x.db` is then `/abs/x.db`.
    if (path.substr(0, 2) == "//")
      path.remove_prefix(2);
    if (path.empty())
      throw store_error("open_store: store URL 'sqlite:' has no path; use sqlite:path/to/file.db");
    return std::make_unique<sqlite_store>(std::string{path});
  }
  // The whole URL goes to libpq (which knows both spellings); pg_store keeps its password
  // out of every message.
  if (scheme == "postgresql" || scheme == "postgres")
    return std::make_unique<pg_store>(url);
  if (scheme.empty())
    throw store_error("open_store: unsupported store URL (no scheme); " + std::string{usage});
  throw store_error("open_store: unsupported store URL '" + scheme + ":…'; "
                    + std::string{usage});
}

} // namespace runcast::persistence
