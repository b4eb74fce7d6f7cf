#include "tests/support/server_process.hpp"

#include "tests/support/write_all.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace runcast::test {

namespace {

using clock_type = std::chrono::steady_clock;

// How long an already-killed child may take to be reaped, and how long the reader waits for
// end-of-file once the child is gone, before we give up on them rather than hang the test.
constexpr std::chrono::seconds reap_grace{5};

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Async-signal-safe: used between fork and exec, where malloc and stdio are off limits.
void child_write(const char* s) noexcept {
  write_all(STDERR_FILENO, s, std::strlen(s));
}

void child_write_number(int value) noexcept {
  char digits[16];
  int n = 0;
  unsigned v = value < 0 ? 0u : static_cast<unsigned>(value);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < 15);
  char out[16];
  for (int i = 0; i < n; ++i)
    out[i] = digits[n - 1 - i];
  write_all(STDERR_FILENO, out, static_cast<std::size_t>(n));
}

int decode_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

} // namespace

// -- construction -----------------------------------------------------------------------------

server_process::server_process(server_options options) : options_(std::move(options)) {
  start();
}

server_process::server_process(std::string db, std::filesystem::path log_dir,
                               std::vector<std::string> extra_args)
  : server_process([&] {
      server_options options;
      options.db = std::move(db);
      options.log_dir = std::move(log_dir);
      options.extra_args = std::move(extra_args);
      return options;
    }()) {
}

server_process::~server_process() {
  if (pid_ > 0 && !exit_code_)
    kill9();
  stop_reader();
  if (pipe_fd_ >= 0)
    ::close(pipe_fd_);
  if (log_fd_ >= 0)
    ::close(log_fd_);
}

void server_process::start() {
  const char* bin = std::getenv("RUNCAST_BIN");
  if (bin == nullptr || *bin == '\0')
    throw std::runtime_error("server_process: RUNCAST_BIN is not set (path of the runcast "
                             "executable; CTest sets it for registered tests)");
  if (::access(bin, X_OK) != 0)
    throw_errno(std::string{"server_process: RUNCAST_BIN="} + bin + " is not executable");

  std::filesystem::create_directories(options_.log_dir);
  log_path_ = options_.log_dir / (options_.name + ".log");
  log_fd_ = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd_ < 0)
    throw_errno("server_process: open " + log_path_.string());

  // Everything the child needs is built before fork: after it, in a multi-threaded parent,
  // only async-signal-safe calls are allowed.
  std::vector<std::string> args{bin, "serve", "--host", "127.0.0.1", "--port", "0",
                                "--db", options_.db};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry{*e};
    auto name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (auto& [key, value] : options_.env)
      replaced = replaced || key == name;
    if (!replaced)
      env_strings.emplace_back(entry);
  }
  for (auto& [key, value] : options_.env)
    env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  long max_fd = ::sysconf(_SC_OPEN_MAX);
  if (max_fd < 0 || max_fd > 65536)
    max_fd = 65536;

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw_errno("server_process: pipe2");

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    errno = err;
    throw_errno("server_process: fork");
  }
  if (pid == 0) {
    // Child. Its own process group, so kill9() also takes down anything it spawned; and it
    // dies with the parent, so a crashed test leaks no server.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0)
      ::dup2(null_fd, STDIN_FILENO);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    // Sockets and files the test process holds (other servers' listeners, clients) must not
    // leak into the server: a leaked socket would keep connections half-alive.
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
#endif
      for (long fd = 3; fd < max_fd; ++fd)
        ::close(static_cast<int>(fd));
    ::execve(argv[0], argv.data(), envp.data());
    int err = errno;
    child_write("server_process: execve(");
    child_write(argv[0]);
    child_write(") failed, errno ");
    child_write_number(err);
    child_write("\n");
    ::_exit(127);
  }

  // Parent. Also set the group here: whichever of parent and child runs first, the group
  // exists before we ever signal it.
  ::setpgid(pid, pid);
  pid_ = pid;
  ::close(fds[1]);
  pipe_fd_ = fds[0];

  std::string header = "=== pid " + std::to_string(pid) + ":";
  for (auto& a : args)
    header.append(" ").append(a);
  header.append("\n");
  write_all(log_fd_, header.data(), header.size());

  try {
    reader_ = std::thread{[this] { read_output(); }};
  } catch (const std::exception& e) {
    fail_startup(std::string{"cannot start the output reader: "} + e.what());
  }

  auto deadline = clock_type::now() + options_.startup_timeout;
  std::unique_lock<std::mutex> lock{mutex_};
  for (;;) {
    // Wake at least every 50 ms to notice a child that exited while something else (a
    // grandchild) keeps the pipe open.
    auto wake = std::min(deadline, clock_type::now() + std::chrono::milliseconds{50});
    changed_.wait_until(lock, wake, [this] { return found_port_ != 0 || output_closed_; });
    if (found_port_ != 0) {
      port_ = found_port_;
      return;
    }
    bool closed = output_closed_;
    lock.unlock();
    if (reap(closed ? clock_type::now() + reap_grace : clock_type::now()))
      fail_startup("runcast exited with code " + std::to_string(*exit_code_)
                   + " before logging 'listening on 127.0.0.1:PORT'");
    if (clock_type::now() >= deadline)
      fail_startup("runcast did not log 'listening on 127.0.0.1:PORT' within "
                   + std::to_string(options_.startup_timeout.count()) + " ms");
    lock.lock();
  }
}

void server_process::fail_startup(const std::string& why) {
  // The constructor throws after this, so no destructor runs: clean up everything here.
  if (!exit_code_) {
    signal_group(SIGKILL);
    reap(clock_type::now() + reap_grace);
  }
  stop_reader();
  std::string message = "server_process: " + why + "\n--- log (" + log_path_.string()
                        + ") ---\n" + log() + "--- end of log ---";
  if (pipe_fd_ >= 0)
    ::close(pipe_fd_);
  if (log_fd_ >= 0)
    ::close(log_fd_);
  pipe_fd_ = log_fd_ = -1;
  throw std::runtime_error(message);
}

// -- properties -------------------------------------------------------------------------------

std::string server_process::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

bool server_process::running() {
  if (pid_ <= 0 || exit_code_)
    return false;
  return !reap(clock_type::now());
}

// -- control ----------------------------------------------------------------------------------

int server_process::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0)
    return -1;
  if (!exit_code_) {
    // SIGTERM to the server alone: shutting down what it spawned is its own job.
    ::kill(pid_, SIGTERM);
    if (!reap(clock_type::now() + timeout)) {
      signal_group(SIGKILL);
      reap(clock_type::now() + reap_grace);
    }
  }
  stop_reader();
  return exit_code_.value_or(-1);
}

int server_process::kill9() {
  if (pid_ <= 0)
    return -1;
  if (!exit_code_) {
    signal_group(SIGKILL);
    reap(clock_type::now() + reap_grace);
  }
  stop_reader();
  return exit_code_.value_or(-1);
}

bool server_process::reap(clock_type::time_point deadline) {
  if (exit_code_)
    return true;
  for (;;) {
    // WNOWAIT leaves the child a zombie: its pid, and so its process group id, cannot be
    // reused before we have killed whatever it left behind in that group.
    siginfo_t info{};
    int r = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
    if (r == 0 && info.si_pid == pid_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      exit_code_ = decode_status(status);
      return true;
    }
    if (r < 0 && errno != EINTR) {
      exit_code_ = -1;  // not our child any more (ECHILD): nothing left to wait for
      return true;
    }
    if (clock_type::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

void server_process::signal_group(int sig) noexcept {
  if (pid_ <= 0 || exit_code_)
    return;
  ::kill(-pid_, sig);
  ::kill(pid_, sig);  // in case the child had not yet moved into its own group
}

} // namespace runcast::test
