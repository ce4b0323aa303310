#include "interrupt.h"

#include <atomic>
#include <csignal>

#include "error.h"
#include "exit_code.h"

namespace nemo {
namespace {

std::atomic<int> g_interrupt{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler stores into it");

}  // namespace

void RequestInterrupt(int signal_number) { g_interrupt.store(signal_number); }

int InterruptSignal() { return g_interrupt.load(); }

int ExitCodeForSignal(int signal_number) {
  return signal_number == SIGTERM ? kExitTerminated : kExitInterrupted;
}

void ThrowIfInterrupted(const std::string& hint) {
  if (int sig = InterruptSignal(); sig != 0)
    throw Error(ExitCodeForSignal(sig), "interrupted", hint);
}

InterruptPause::InterruptPause() : saved_(g_interrupt.exchange(0)) {}

InterruptPause::~InterruptPause() {
  // A second signal during the pause is kept; otherwise the first one is restored.
  int during = g_interrupt.load();
  g_interrupt.store(during != 0 ? during : saved_);
}

}  // namespace nemo
