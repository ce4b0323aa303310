#include "state_dir.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "error.h"
#include "private_files.h"

namespace nemo {
namespace fs = std::filesystem;

namespace {
constexpr const char* kWritableHint =
    "the journal lives in ${XDG_STATE_HOME:-~/.local/state}/nemovideo/journal, the credit ledger "
    "beside it; it must be a writable directory";
}  // namespace

fs::path StateDir() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && *xdg == '/') return fs::path(xdg) / "nemovideo";
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    throw Error(kExitUsage, "neither XDG_STATE_HOME nor HOME is set",
                "the journal and the credit ledger live in ${XDG_STATE_HOME:-~/.local/state}");
  }
  return fs::path(home) / ".local" / "state" / "nemovideo";
}

void EnsurePrivateStateDir(const fs::path& dir) {
  // The state directory and what is between it and `dir` are checked too: whoever can replace
  // a parent can replace what is in it. A directory outside it (a test's) is checked alone.
  std::vector<fs::path> chain = {dir};
  try {
    fs::path state = StateDir();
    auto [end, rest] = std::mismatch(state.begin(), state.end(), dir.begin(), dir.end());
    if (end == state.end()) {
      for (fs::path d = dir.parent_path(); d.string().size() >= state.string().size();
           d = d.parent_path()) {
        chain.insert(chain.begin(), d);
        if (d == state) break;
      }
    }
  } catch (const Error&) {
    // No HOME: `dir` was given explicitly.
  }
  std::error_code ec;
  fs::create_directories(chain.front().parent_path(), ec);
  for (const fs::path& d : chain) {
    if (mkdir(d.c_str(), 0700) != 0 && errno != EEXIST) {
      throw Error(kExitUsage, d.string() + ": cannot create the directory: " + std::strerror(errno),
                  kWritableHint);
    }
    struct stat st {};
    if (stat(d.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      throw Error(kExitUsage, d.string() + ": not a directory", kWritableHint);
    }
    CheckPrivateDir(d, kStatePlace);
  }
}

}  // namespace nemo
