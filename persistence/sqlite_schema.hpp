#pragma once

struct sqlite3;

namespace runcast::persistence::detail {

/// Brings the schema of `db` to the latest version this build knows, in one write
/// transaction. Throws store_error (and rolls back) if it cannot, also if the database's
/// schema is newer than this build.
void migrate_schema(sqlite3* db);

} // namespace runcast::persistence::detail
