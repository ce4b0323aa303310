// An exclusive flock on one file for as long as the object lives. Closing the descriptor releases
// it, and so does the death of the process (a kill -9 leaves no stale lock). Waiting for another
// process's lock stops on Ctrl-C or SIGTERM (lib/interrupt), so nothing hangs behind a stuck peer.
// The credentials' .lock and each journal entry's lock are FileLocks.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace nemo {

class FileLock {
 public:
  // Opens `path` (created with mode 0600; a symbolic link is refused) and locks it. When another
  // process holds it, `on_wait` is called once and the lock is waited for; a signal while waiting
  // throws Error(130/143). A lock file removed while this process waited (the journal's sweep
  // removes old ones) is not the lock any more: the new one is locked instead. Other failures
  // throw Error(error_exit, "PATH: cannot open the lock file: why" or "PATH: cannot lock: why",
  // hint).
  FileLock(const std::filesystem::path& path, int error_exit, const std::string& hint = "",
           const std::function<void()>& on_wait = {});
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Another process held the lock, and this one waited for it.
  bool waited() const { return waited_; }

 private:
  int fd_ = -1;
  bool waited_ = false;
};

}  // namespace nemo
