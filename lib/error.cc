#include "error.h"

#include <cerrno>
#include <cstring>

namespace nemo {

int ExitCodeForApiCode(int api_code, int fallback) {
  switch (api_code) {
    case 1001:
      return kExitAuth;
    case 1002:
      return kExitSessionNotFound;
    case 2001:
      return kExitNoCredits;
    case 4001:
      return kExitUnsupportedFile;
    case 4002:
      return kExitFileTooLarge;
    // Codes that are HTTP statuses (gateways put them in bodies and events too).
    case 401:
    case 403:
      return kExitAuth;
    case 402:
      return kExitPlanBlocked;
    case 413:
      return kExitFileTooLarge;
    case 429:
      return kExitRateLimited;
    default:
      // Other codes of the 4000s refuse the input (4003: a URL the service cannot fetch).
      return api_code >= 4000 && api_code < 5000 ? kExitUsage : fallback;
  }
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace nemo
