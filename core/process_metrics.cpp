#include "core/process_metrics.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace runcast {

namespace {

/// When this process started, as the first call saw the clocks (static initialisation).
const auto process_start = std::chrono::system_clock::now();
const auto process_start_steady = std::chrono::steady_clock::now();

void gauge(std::string& out, std::string_view name, std::string_view type,
           std::string_view help, double value) {
  char line[64];
  std::snprintf(line, sizeof line, "%.17g", value);
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append(" ").append(line).append("\n");
}

/// The fields of /proc/self/stat after the command name (which may hold spaces).
std::vector<std::string> stat_fields() {
  std::ifstream in{"/proc/self/stat"};
  std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  std::vector<std::string> out;
  auto close = text.rfind(')');
  if (close == std::string::npos)
    return out;
  std::istringstream rest{text.substr(close + 2)};
  for (std::string f; rest >> f;)
    out.push_back(f);
  return out;
}

} // namespace

void render_process_metrics(std::string& out) {
  auto fields = stat_fields(); // fields[0] is field 3 (state) of proc(5)
  long page = sysconf(_SC_PAGESIZE);
  long ticks = sysconf(_SC_CLK_TCK);
  if (fields.size() > 21 && page > 0) {
    gauge(out, "process_resident_memory_bytes", "gauge", "Resident set size in bytes.",
          std::stod(fields[21]) * static_cast<double>(page));
  }
  if (fields.size() > 17)
    gauge(out, "process_threads", "gauge", "Threads of the process.", std::stod(fields[17]));
  if (fields.size() > 12 && ticks > 0)
    gauge(out, "process_cpu_seconds_total", "counter", "User and system CPU time in seconds.",
          (std::stod(fields[11]) + std::stod(fields[12])) / static_cast<double>(ticks));
  std::error_code ec;
  size_t fds = 0;
  for (std::filesystem::directory_iterator i{"/proc/self/fd", ec}, end; !ec && i != end;
       i.increment(ec))
    ++fds;
  if (!ec)
    gauge(out, "process_open_fds", "gauge", "Open file descriptors.",
          static_cast<double>(fds > 0 ? fds - 1 : 0)); // less the one listing the directory
  auto since_epoch = std::chrono::duration<double>(process_start.time_since_epoch()).count();
  gauge(out, "process_start_time_seconds", "gauge", "Start time since the epoch, in seconds.",
        since_epoch);
  auto up = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                          - process_start_steady).count();
  gauge(out, "runcast_uptime_seconds", "gauge", "Seconds since the process started.", up);
}

} // namespace runcast
