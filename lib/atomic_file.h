// Replacing a file so that a reader, a crash or a kill -9 only ever sees the old content or the
// new one, never a half-written file: a temporary file next to it (".NAME.XXXXXX"), written,
// fsynced, renamed over it, then the directory fsynced. `make`, the journal, the credentials and
// the contact sheet rely on it.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace nemo {

// A new version of `target` being written. The temporary is made in the target's directory
// (so the rename cannot cross file systems) as ".NAME.XXXXXX" followed by `suffix` (a program
// that picks the format by the name, such as ffmpeg, needs e.g. ".png"), with mode `mode`.
// Write through Write() or fd(), or let another program write to path(); then Commit(). Until
// Commit() succeeds the target is untouched, and a temporary not committed is removed when the
// object goes. Failures throw Error(error_exit, "TARGET: what: why").
class AtomicFile {
 public:
  AtomicFile(const std::filesystem::path& target, int mode, int error_exit,
             std::string_view suffix = "");
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return temp_; }  // the temporary's
  const std::filesystem::path& target() const { return target_; }

  void Write(std::string_view data);
  // fsync, close, rename over the target, fsync the directory.
  void Commit();

 private:
  [[noreturn]] void Fail(const std::string& what, int err);
  std::filesystem::path target_;
  std::filesystem::path temp_;
  int error_exit_;
  int fd_ = -1;
  bool committed_ = false;
};

// The whole of `content` as the new `target` (an AtomicFile written at once).
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
