#include "runnables/process_spawn.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <spawn.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace runcast::runnables {

namespace {

/// Closes what it holds unless released: the pipes of a spawn that fails halfway.
struct fd_guard {
  int fds[6] = {-1, -1, -1, -1, -1, -1};
  ~fd_guard() {
    for (int fd : fds)
      if (fd >= 0)
        ::close(fd);
  }
};

std::string describe(const process_options& opts) {
  std::string what = "'" + opts.argv.front() + "'";
  if (!opts.cwd.empty())
    what += " in '" + opts.cwd + "'";
  return what;
}

[[noreturn]] void fail(const process_options& opts, const char* step, int err) {
  throw std::runtime_error("cannot start " + describe(opts) + ": " + step + ": " +
                           std::strerror(err));
}

int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

/// Whether this kernel has pidfd_open, asked once; without it exits could not be noticed
/// without a thread per process, so spawning refuses up front instead of leaking children.
bool pidfd_available() {
  static const bool available = [] {
    int fd = pidfd_open(::getpid());
    if (fd < 0)
      return false;
    ::close(fd);
    return true;
  }();
  return available;
}

/// A write to a pipe whose reader is gone raises SIGPIPE, which would end the server (Asio
/// suppresses it for sockets only). Ignored process-wide, once; children get the default
/// disposition back through POSIX_SPAWN_SETSIGDEF.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

/// posix_spawn's attribute and file-action objects, destroyed on every path.
struct spawn_setup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  spawn_setup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

} // namespace

std::vector<std::string> process_environment(const process_options& opts) {
  std::vector<std::string> env;
  for (const auto& name : opts.env_allow) {
    bool overridden = false;
    for (const auto& extra : opts.env_extra)
      overridden = overridden || extra.first == name;
    if (const char* value = std::getenv(name.c_str()); value != nullptr && !overridden)
      env.push_back(name + "=" + value);
  }
  for (const auto& [name, value] : opts.env_extra)
    env.push_back(name + "=" + value);
  return env;
}

spawned_process spawn_process(const process_options& opts) {
  if (opts.argv.empty() || opts.argv.front().empty())
    throw std::runtime_error("cannot start a process: empty argv");
  if (!pidfd_available())
    throw std::runtime_error("cannot start " + describe(opts) +
                             ": pidfd_open is not available (Linux 5.3 or later is needed)");
  ignore_sigpipe();

  // All six ends close-on-exec: another thread spawning at the same time must not inherit
  // them (a leaked write end would keep our reads from ever seeing EOF).
  fd_guard pipes; // [0,1] stdin, [2,3] stdout, [4,5] stderr; read end first
  for (int i = 0; i < 3; ++i)
    if (::pipe2(pipes.fds + 2 * i, O_CLOEXEC) != 0)
      fail(opts, "pipe2", errno);

  spawn_setup s;
  sigset_t mask;
  sigemptyset(&mask);
  posix_spawnattr_setsigmask(&s.attr, &mask); // the server blocks SIGTERM in its threads
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&s.attr, &all); // and ignores SIGPIPE
  posix_spawnattr_setpgroup(&s.attr, 0);        // own group: terminate() reaches all of it
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_adddup2(&s.actions, pipes.fds[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&s.actions, pipes.fds[3], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&s.actions, pipes.fds[5], STDERR_FILENO);
  // Asio opens sockets without close-on-exec: without this the child would hold the
  // server's listener and its clients' connections.
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  if (!opts.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&s.actions, opts.cwd.c_str());

  std::vector<char*> argv;
  for (const auto& a : opts.argv)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto env_strings = process_environment(opts);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  // glibc's posix_spawn reports a failed chdir or exec (a missing program) as its result.
  if (int err = ::posix_spawnp(&pid, argv[0], &s.actions, &s.attr, argv.data(), envp.data()))
    fail(opts, "posix_spawn", err);

  spawned_process p;
  p.pid = pid;
  p.pidfd = pidfd_open(pid);
  if (p.pidfd < 0) {
    int err = errno;
    // Not watchable: kill it now rather than leave it unsupervised. It was just SIGKILLed,
    // so this wait is short.
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    fail(opts, "pidfd_open", err);
  }
  p.stdin_fd = pipes.fds[1];
  p.stdout_fd = pipes.fds[2];
  p.stderr_fd = pipes.fds[4];
  pipes.fds[1] = pipes.fds[2] = pipes.fds[4] = -1; // the caller's now; the child's ends close
  return p;
}

} // namespace runcast::runnables
