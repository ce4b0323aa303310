// Every "is this a terminal?" decision lives here, so programs and tests agree on one rule.
// NEMO_FORCE_TTY=1 makes stdout and stderr count as terminals (tests use it to see terminal
// behaviour through pipes); stdin is never forced, because it decides whether a context is read.
#pragma once

namespace nemo {

bool StdinIsTerminal();
bool StdoutIsTerminal();
bool StderrIsTerminal();

}  // namespace nemo
