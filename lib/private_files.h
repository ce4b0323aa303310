// The config directory holds the token, so, like ssh (StrictModes) and gh, nemo uses it only when
// it and its files are the user's alone: owned by the user, writable by nobody else. Anything else
// is refused with Error(kExitAuth): a line naming the path and why, and a hint how to fix it.
// Modes are tightened only on the user's own real directory or file, through a descriptor, never
// through a symbolic link; a chmod that fails is an error.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace nemo {

// Why a path with this owner and mode must not hold credentials for the user `uid`: "" when it
// may, else a reason ("owned by alice (uid 1000), not by you", "writable by others").
std::string UnsafeOwnerOrMode(uid_t owner, mode_t mode, uid_t uid);

// What a private directory keeps, for messages: the config directory (the default) keeps
// credentials; the state directory keeps the journal and the credit ledger, which a re-run
// trusts as much as a token (an entry planted there would be followed, or replayed).
struct PrivatePlace {
  const char* keeps;
  const char* variable;  // the environment variable that moves it
};
inline constexpr PrivatePlace kConfigPlace{"credentials", "XDG_CONFIG_HOME"};
inline constexpr PrivatePlace kStatePlace{"the journal and the credit ledger", "XDG_STATE_HOME"};

// An existing directory: ours and not writable by group or others. A symbolic link to such a
// directory is fine (dotfile managers use them); its target's mode is never changed. Our own
// real directory readable by others is tightened to 0700. Does nothing if `dir` does not exist.
void CheckPrivateDir(const std::filesystem::path& dir, const PrivatePlace& place = kConfigPlace);

// Opens a file of the config directory for reading: a regular file (not a symbolic link, FIFO or
// directory), ours, not writable by group or others. With `tighten`, a file readable by others is
// made 0600 with a warning on stderr. Returns -1 when the file does not exist.
int OpenPrivateFile(const std::filesystem::path& path, bool tighten);

// Everything an open descriptor holds; closes it. Error(kExitAuth) naming `path` on a read error.
std::string ReadAndClose(int fd, const std::filesystem::path& path);

}  // namespace nemo
