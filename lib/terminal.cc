#include "terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace nemo {
namespace {

bool Forced() {
  const char* v = std::getenv("NEMO_FORCE_TTY");
  return v && *v && std::strcmp(v, "0") != 0;
}

}  // namespace

bool StdinIsTerminal() { return isatty(STDIN_FILENO) == 1; }
bool StdoutIsTerminal() { return Forced() || isatty(STDOUT_FILENO) == 1; }
bool StderrIsTerminal() { return Forced() || isatty(STDERR_FILENO) == 1; }

}  // namespace nemo
