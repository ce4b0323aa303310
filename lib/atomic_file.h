// Replacing a file so that a reader, a crash or a kill -9 only ever sees the old content or the
// new one, never a half-written file: a temporary file next to it (".NAME.XXXXXX"), written,
// fsynced, renamed over it, then the directory fsynced. `make` and the journal rely on it.
#pragma once

#include <chrono>
#include <filesystem>
#include <string_view>

namespace nemo {

// `mode` is the new file's permission bits. Failures throw Error(error_exit, "PATH: what: why").
void ReplaceFileAtomically(const std::filesystem::path& path, std::string_view content, int mode,
                           int error_exit);

// The mode a shell's `>file` would create: 0666 without the umask.
int DefaultFileMode();

// Removes the temporaries ".NAME.XXXXXX" a killed writer left in `dir` for files whose name
// ends with `suffix` (e.g. ".json"), once they are older than `age` (no live writer owns them
// then). Returns how many went.
int RemoveStaleTemporaries(const std::filesystem::path& dir, std::string_view suffix,
                           std::chrono::seconds age);

}  // namespace nemo
