// The exit codes of every nemo-* program, and the only source of them: the table of EXIT STATUS
// in nemo-video(7) lists them.
#pragma once

#include <cerrno>

namespace nemo {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,         // a bug: say so
  kExitUsage = 2,            // bad flags, bad stdin JSON, missing session id
  kExitAuth = 3,             // 1001 after one refresh, 401, 403 scope
  kExitSessionNotFound = 4,  // 1002
  kExitNoCredits = 5,        // 2001
  kExitUnsupportedFile = 6,  // 4001, or refused locally before upload
  kExitFileTooLarge = 7,     // 4002, or refused locally
  kExitPlanBlocked = 8,      // HTTP 402 on export
  kExitRateLimited = 9,      // 429 after the one retry
  kExitNetwork = 10,         // network or TLS failure
  kExitTimeout = 11,
  kExitJobFailed = 12,     // render failed, run ended in error
  kExitBadResponse = 13,   // 5xx after retries, HTML, broken JSON
  kExitLocalWrite = 14,    // a local file or stdout could not be written (ENOSPC, EIO, EROFS…)
  kExitNoContext = 15,     // stdin was a pipe that ended empty: the stage before failed
  kExitNotReady = 20,      // nemo-state --check: the draft is not ready
  kExitInterrupted = 130,  // SIGINT
  kExitBrokenPipe = 141,   // the reader of stdout went away (128 + SIGPIPE), said quietly
  kExitTerminated = 143,   // SIGTERM
};

// The exit code for a failed write of our output: a reader that went away (EPIPE) is 141, said
// quietly; anything else the local system refused (a full disk, a read-only mount, a quota, an
// I/O error) is kExitLocalWrite, never kExitInternal: it is not a bug.
inline int ExitCodeForWriteError(int errno_value) {
  return errno_value == EPIPE ? kExitBrokenPipe : kExitLocalWrite;
}

}  // namespace nemo
