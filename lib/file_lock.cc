#include "file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "error.h"
#include "interrupt.h"

namespace nemo {

FileLock::FileLock(const std::filesystem::path& path, int error_exit, const std::string& hint,
                   const std::function<void()>& on_wait) {
  auto fail = [&](int fd, const std::string& what) {
    std::string why = ErrnoText();
    if (fd >= 0) close(fd);
    throw Error(error_exit, path.string() + ": " + what + ": " + why, hint);
  };
  for (;;) {
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) fail(fd, "cannot open the lock file");
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) fail(fd, "cannot lock");
      if (!waited_) {
        waited_ = true;
        if (on_wait) on_wait();
      }
      // The signal handlers are installed without SA_RESTART: a signal ends the wait with EINTR.
      while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) fail(fd, "cannot lock");
        if (int sig = InterruptSignal(); sig != 0) {
          close(fd);
          throw Error(ExitCodeForSignal(sig),
                      "interrupted while waiting for another process to finish");
        }
      }
    }
    struct stat held {
    }, named{};
    if (fstat(fd, &held) == 0 && stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      fd_ = fd;
      return;
    }
    close(fd);
  }
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_), waited_(other.waited_) {
  other.fd_ = -1;
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the lock
}

}  // namespace nemo
