// The one flag that SIGINT and SIGTERM set (lib/cli.cc installs the handlers), and the one place
// that turns it into an exit code. Transfers, waits and locks look at it; nothing else keeps its
// own.
#pragma once

#include <string>

namespace nemo {

// Called from the signal handler: async-signal-safe.
void RequestInterrupt(int signal_number);
// The signal that asked to stop, or 0.
int InterruptSignal();
// 130 for SIGINT, 143 for SIGTERM (128 + the signal, as shells report it).
int ExitCodeForSignal(int signal_number);
// Throws Error(ExitCodeForSignal(…), "interrupted", hint) once a signal has asked to stop.
void ThrowIfInterrupted(const std::string& hint = "");

// Clears the flag for the duration of a scope and restores it after: for the short cleanup a
// program does after Ctrl-C (cancelling a render), which must not itself be interrupted.
class InterruptPause {
 public:
  InterruptPause();
  ~InterruptPause();
  InterruptPause(const InterruptPause&) = delete;
  InterruptPause& operator=(const InterruptPause&) = delete;

 private:
  int saved_;
};

}  // namespace nemo
