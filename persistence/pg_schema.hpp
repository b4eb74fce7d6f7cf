#pragma once

namespace runcast::persistence::detail {

struct pg_connection;

/// Brings the schema to the latest version this build knows, in one transaction that holds
/// a database-wide advisory lock. Throws (and rolls back) if it cannot, also if the
/// database's schema is newer than this build.
void migrate_schema(pg_connection& c);

} // namespace runcast::persistence::detail
