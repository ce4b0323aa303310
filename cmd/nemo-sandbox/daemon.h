// nemo-sandbox --daemon / --stop / --list-faults: the sandbox as a background service of a
// shell (eval "$(nemo-sandbox --daemon)" ... nemo-sandbox --stop), and its fault names for
// scripts and completions.
#pragma once

#include <string>

namespace sandbox {

// Closes every inherited descriptor above stderr: a daemon must not hold a caller's pipe (bats
// waits for every holder of its fd 3; `$(...)` for every holder of its stdout).
void CloseInheritedFds();

// Called once the listeners are bound (bound sockets listen already): forks. The parent prints
// the shell lines that point a shell at the child (NEMO_API_URL, NEMO_SANDBOX_PID) and exits 0;
// the child detaches (new session, stdin and stdout on /dev/null, stderr on `log_fd` or
// /dev/null) and returns to serve.
void Daemonize(const std::string& api_url, int log_fd);

// --stop: TERMs the sandbox NEMO_SANDBOX_PID names, waits until it is gone and prints the shell
// line that forgets it; on any problem prints "nemo-sandbox: --stop: ..." and a hint. Returns
// the exit code.
int StopDaemon();

// --list-faults: "NAME<TAB>description" per fault, from the table the sandbox uses.
void ListFaults();

// Why the address cannot be listened on (strerror of a bind attempt), "" when it could be.
std::string BindError(const std::string& host, int port);

}  // namespace sandbox
