#include "daemon.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "exit_code.h"
#include "faults.h"

namespace sandbox {

void CloseInheritedFds() {
  // close_range (Linux 5.9, glibc 2.34); on older systems close the usual range.
  if (close_range(3, ~0U, 0) == 0) return;
  for (int fd = 3; fd < 1024; ++fd) close(fd);
}

void Daemonize(const std::string& api_url, int log_fd) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "nemo-sandbox: --daemon: cannot fork: %s\n", std::strerror(errno));
    std::_Exit(nemo::kExitInternal);
  }
  if (pid > 0) {
    // The child has the bound (listening) sockets already: connections queue until it accepts.
    std::printf("export NEMO_API_URL=%s\nexport NEMO_SANDBOX_PID=%d\n", api_url.c_str(),
                static_cast<int>(pid));
    std::fflush(stdout);
    std::_Exit(nemo::kExitOk);
  }
  setsid();  // the terminal's ^C and hang-up are the shell's, not the daemon's
  int null = open("/dev/null", O_RDWR);
  dup2(null, STDIN_FILENO);
  dup2(null, STDOUT_FILENO);
  if (log_fd >= 0) {
    dup2(log_fd, STDERR_FILENO);
  } else {
    dup2(null, STDERR_FILENO);
  }
  if (null > STDERR_FILENO) close(null);
  if (log_fd > STDERR_FILENO) close(log_fd);
}

namespace {

int StopError(int code, const std::string& what, const std::string& hint) {
  std::fprintf(stderr, "nemo-sandbox: --stop: %s\nhint: %s\n", what.c_str(), hint.c_str());
  return code;
}

// The process's command name, "" if it does not exist (or /proc cannot tell).
std::string CommandOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

}  // namespace

int StopDaemon() {
  const char* text = std::getenv("NEMO_SANDBOX_PID");
  const std::string start_hint = "start one with: eval \"$(nemo-sandbox --daemon)\"";
  if (!text || !*text) {
    return StopError(nemo::kExitUsage, "NEMO_SANDBOX_PID is not set", start_hint);
  }
  char* end = nullptr;
  long pid = std::strtol(text, &end, 10);
  if (*end != '\0' || pid <= 1) {
    return StopError(nemo::kExitUsage, std::string("NEMO_SANDBOX_PID: not a process id: ") + text,
                     start_hint);
  }
  std::string name = CommandOf(static_cast<pid_t>(pid));
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
    return StopError(nemo::kExitInternal,
                     "no process " + std::to_string(pid) + ": the sandbox has stopped already",
                     "forget it with: unset NEMO_API_URL NEMO_SANDBOX_PID");
  }
  // A pid is reused once its process is gone: never TERM a stranger that now has the number.
  if (!name.empty() && name != "nemo-sandbox") {
    return StopError(nemo::kExitInternal,
                     "process " + std::to_string(pid) + " is " + name + ", not nemo-sandbox",
                     "the sandbox has stopped already; unset NEMO_API_URL NEMO_SANDBOX_PID");
  }
  if (kill(static_cast<pid_t>(pid), SIGTERM) != 0) {
    return StopError(nemo::kExitInternal,
                     "cannot stop process " + std::to_string(pid) + ": " + std::strerror(errno),
                     "is it another user's sandbox?");
  }
  // Stopping takes at most about 3 s (main.cc gives its listeners that long).
  for (int i = 0; i < 200; ++i) {
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::printf("unset NEMO_API_URL NEMO_SANDBOX_PID\n");
      return nemo::kExitOk;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return StopError(nemo::kExitInternal,
                   "process " + std::to_string(pid) + " did not stop within 10 s of SIGTERM",
                   "kill -KILL " + std::to_string(pid));
}

void ListFaults() {
  for (const auto& [name, help] : Faults::List()) {
    std::printf("%s\t%s\n", name.c_str(), help.c_str());
  }
}

std::string BindError(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0 || !res) return "";
  std::string error;
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd >= 0) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) error = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(res);
  for (char& c : error) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return error;
}

}  // namespace sandbox
