#include "tests/support/fake_openai_process.hpp"

#include "tests/support/source_dir.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace runcast::test {

namespace {

std::string fake_script_path() {
  return source_dir() + "/tests/support/fake_openai.py";
}

} // namespace

fake_openai_process::fake_openai_process(const nlohmann::json& script,
                                         const std::string& tls_cert,
                                         const std::string& tls_key) {
  std::ofstream{dir_.file("script.json")} << script.dump();
  std::ofstream{dir_.file("record.jsonl")};
  std::ofstream{dir_.file("events.txt")};
  std::vector<std::string> args{"/usr/bin/python3", fake_script_path(),
                                "--script",         dir_.file("script.json").string(),
                                "--record",         dir_.file("record.jsonl").string(),
                                "--events",         dir_.file("events.txt").string()};
  if (!tls_cert.empty()) {
    args.insert(args.end(), {"--tls", tls_cert, tls_key});
  }
  int fds[2];
  if (::pipe(fds) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // no fake outlives a crashed test
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0)
      continue;
    char buf[256];
    auto n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  if (out.rfind("port ", 0) != 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw std::runtime_error("fake_openai.py did not start: '" + out + "'");
  }
  port_ = static_cast<uint16_t>(std::stoi(out.substr(5)));
}

fake_openai_process::~fake_openai_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::vector<nlohmann::json> fake_openai_process::requests() const {
  std::vector<nlohmann::json> out;
  std::ifstream in{dir_.file("record.jsonl")};
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.push_back(nlohmann::json::parse(line));
  return out;
}

bool fake_openai_process::saw_disconnect() const {
  std::ifstream in{dir_.file("events.txt")};
  std::stringstream s;
  s << in.rdbuf();
  return s.str().find("disconnected") != std::string::npos;
}

} // namespace runcast::test
