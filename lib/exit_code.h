// The exit codes of every nemo-* program: the table of EXIT STATUS in nemo-video(7).
#pragma once

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
  kExitNotReady = 20,      // nemo-state --check: the draft is not ready
  kExitInterrupted = 130,  // SIGINT
  kExitTerminated = 143,   // SIGTERM
};

}  // namespace nemo
