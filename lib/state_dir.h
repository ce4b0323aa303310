// The state directory, ${XDG_STATE_HOME:-~/.local/state}/nemovideo: the journal and the credit
// ledger. A re-run trusts what it finds there (it follows a journaled render into the user's
// output, replays a journaled result, honours a reservation), so it is held to the rule of the
// config directory: the user's own, writable by nobody else, never chmod'ed through a link.
#pragma once

#include <filesystem>

namespace nemo {

// ${XDG_STATE_HOME:-~/.local/state}/nemovideo (XDG_STATE_HOME only when absolute).
// Error(kExitUsage) when neither it nor HOME is set.
std::filesystem::path StateDir();

// Creates `dir` (mode 0700) when missing and checks it with CheckPrivateDir (kStatePlace), and,
// when it is in StateDir(), every directory from StateDir() down to it: Error(kExitAuth) naming
// the path when one is another user's or writable by others; Error(kExitUsage) when one cannot be
// made or is not a directory.
void EnsurePrivateStateDir(const std::filesystem::path& dir);

}  // namespace nemo
