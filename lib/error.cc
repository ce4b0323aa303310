#include "error.h"

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
    default:
      return fallback;
  }
}

}  // namespace nemo
