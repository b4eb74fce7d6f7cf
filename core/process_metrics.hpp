#pragma once

#include <string>

namespace runcast {

/// Appends the process's own figures in the Prometheus text format, under the names
/// Prometheus client libraries use: `process_resident_memory_bytes`, `process_open_fds`,
/// `process_threads`, `process_start_time_seconds`, `process_cpu_seconds_total`, and
/// `runcast_uptime_seconds`. Read from /proc/self (Linux); a figure that cannot be read is
/// left out rather than reported as 0.
void render_process_metrics(std::string& out);

} // namespace runcast
