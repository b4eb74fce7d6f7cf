#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace runcast::runnables {

/// What to start and in what surroundings. No shell is ever involved: `argv` is the program
/// and its arguments as given.
struct process_options {
  std::vector<std::string> argv; ///< argv[0] is looked up in the server's PATH if it has no '/'
  std::string cwd;               ///< working directory; empty: the server's
  std::vector<std::string> env_allow; ///< the server's variables passed on, by name
  std::vector<std::pair<std::string, std::string>> env_extra; ///< set on top of those
  size_t max_line_bytes = 64 * 1024;  ///< a longer stdout line is delivered in pieces
  size_t stderr_tail_bytes = 4 * 1024; ///< how much of the end of stderr is kept
};

/// A started process, the leader of its own process group (pgid == pid), and the parent's
/// ends of its pipes. Every descriptor is close-on-exec; the caller owns them.
struct spawned_process {
  pid_t pid = -1;
  int pidfd = -1;  ///< readable once the process has exited
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

/// Starts `opts.argv` with posix_spawn: own process group, default signal dispositions, an
/// empty signal mask, no descriptor of the server's beyond its three pipes. Throws
/// std::runtime_error naming argv[0] (and the cwd) when it cannot start, e.g. a missing
/// program, or when the kernel has no pidfd_open (Linux 5.3+ needed).
spawned_process spawn_process(const process_options& opts);

/// The environment `opts` gives a process, as "NAME=value" strings: each allowed variable
/// the server has, then `env_extra` over them.
std::vector<std::string> process_environment(const process_options& opts);

} // namespace runcast::runnables
