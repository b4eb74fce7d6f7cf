#include "tests/support/pg_database.hpp"

#include <pqxx/pqxx>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace runcast::test {

std::string pg_database::server_url() {
  const char* url = std::getenv("RUNCAST_TEST_PG_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error("RUNCAST_TEST_PG_URL is not set: run the suite through "
                             "scripts/test, which starts a throwaway PostgreSQL");
  return url;
}

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    throw std::runtime_error(std::string{name} + " is not set: run the suite through scripts/test");
  return v;
}

void pg_ctl(const std::string& args) {
  auto data = env("RUNCAST_TEST_PG_DATA");
  auto cmd = env("RUNCAST_TEST_PG_CTL") + " -D '" + data + "' " + args;
  if (::geteuid() == 0)
    cmd = "runuser -u postgres -- " + cmd;
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0)
    throw std::runtime_error("failed: " + cmd);
}

} // namespace

void pg_database::stop_server() {
  pg_ctl("-m fast -w -t 30 stop");
}

void pg_database::start_server() {
  auto log = env("RUNCAST_TEST_PG_DATA") + "/../server.log";
  pg_ctl("-l '" + log + "' -w -t 30 start");
}

std::vector<int> pg_database::freeze_server() {
  std::ifstream pidfile{env("RUNCAST_TEST_PG_DATA") + "/postmaster.pid"};
  int postmaster = 0;
  if (!(pidfile >> postmaster) || postmaster <= 0)
    throw std::runtime_error("cannot read the test server's postmaster.pid");
  // The postmaster first, so that it forks nothing new; then its children (backends,
  // checkpointer, walwriter…), found by their parent pid in /proc/PID/stat.
  std::vector<int> stopped{postmaster};
  ::kill(postmaster, SIGSTOP);
  for (const auto& entry : std::filesystem::directory_iterator{"/proc"}) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream stat{entry.path() / "stat"};
    std::string line;
    if (!std::getline(stat, line))
      continue;
    // "pid (comm) state ppid …": comm may hold spaces, so parse after its closing ')'.
    std::istringstream rest{line.substr(line.rfind(')') + 1)};
    std::string state;
    int ppid = 0;
    if (rest >> state >> ppid && ppid == postmaster) {
      int pid = std::stoi(name);
      ::kill(pid, SIGSTOP);
      stopped.push_back(pid);
    }
  }
  return stopped;
}

void pg_database::thaw_server(const std::vector<int>& pids) {
  for (auto pid : pids)
    ::kill(pid, SIGCONT);
}

pg_database::pg_database() {
  auto admin = server_url();
  std::random_device rd;
  name_ = "runcast_test_" + std::to_string(rd()) + std::to_string(rd() % 100000);
  pqxx::connection conn{admin};
  pqxx::nontransaction tx{conn};
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  // Replace the database part of the URL: postgresql://user@host:port/db[?params].
  auto slash = admin.find('/', admin.find("://") + 3);
  auto query = admin.find('?');
  url_ = admin.substr(0, slash == std::string::npos ? admin.size() : slash) + "/" + name_
         + (query == std::string::npos ? "" : admin.substr(query));
}

pg_database::~pg_database() {
  try {
    pqxx::connection conn{server_url()};
    pqxx::nontransaction tx{conn};
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A destructor must not throw; a leftover database dies with the throwaway server.
  }
}

} // namespace runcast::test
