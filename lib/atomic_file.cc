#include "atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "error.h"

namespace nemo {
namespace fs = std::filesystem;

AtomicFile::AtomicFile(const fs::path& target, int mode, int error_exit, std::string_view suffix)
    : target_(target), error_exit_(error_exit) {
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  // Built by appending: GCC 12 -O3 warns (-Wrestrict, a false alarm) on `"." + string + "…"`.
  std::string name = ".";
  name.append(target.filename().string()).append(".XXXXXX");
  std::string tmpl = (dir / name).string();
  tmpl += suffix;
  fd_ = mkostemps(tmpl.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
  if (fd_ < 0) Fail("cannot create a temporary file", errno);
  temp_ = tmpl;
  if (fchmod(fd_, static_cast<mode_t>(mode)) != 0) {
    int err = errno;
    close(fd_);  // a constructor that throws runs no destructor
    unlink(temp_.c_str());
    Fail("cannot set the mode", err);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) close(fd_);
  if (!committed_ && !temp_.empty()) unlink(temp_.c_str());
}

void AtomicFile::Fail(const std::string& what, int err) {
  throw Error(error_exit_, target_.string() + ": " + what + ": " + std::strerror(err));
}

void AtomicFile::Write(std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail("cannot write", errno);
    }
    done += static_cast<std::size_t>(n);
  }
}

void AtomicFile::Commit() {
  if (fsync(fd_) != 0) Fail("cannot fsync", errno);
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) Fail("cannot close", errno);
  if (rename(temp_.c_str(), target_.c_str()) != 0) Fail("cannot rename into place", errno);
  committed_ = true;
  // The rename itself must survive a crash too.
  fs::path dir = target_.parent_path().empty() ? fs::path(".") : target_.parent_path();
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

void ReplaceFileAtomically(const fs::path& path, std::string_view content, int mode,
                           int error_exit) {
  AtomicFile file(path, mode, error_exit);
  file.Write(content);
  file.Commit();
}

int DefaultFileMode() {
  // umask can only be read by setting it; programs are single-threaded when they write.
  mode_t mask = umask(022);
  umask(mask);
  return 0666 & ~static_cast<int>(mask);
}

int RemoveStaleTemporaries(const fs::path& dir, std::string_view suffix, std::chrono::seconds age) {
  std::error_code ec;
  int removed = 0;
  auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    // ".NAME<suffix>.XXXXXX": a dot, the file's name, a dot and six characters.
    if (name.size() < suffix.size() + 9 || name[0] != '.' || name[name.size() - 7] != '.') {
      continue;
    }
    if (name.compare(name.size() - 7 - suffix.size(), suffix.size(), suffix) != 0) continue;
    std::error_code stat_ec;
    auto mtime = fs::last_write_time(entry.path(), stat_ec);
    if (stat_ec || now - mtime < age) continue;
    if (fs::remove(entry.path(), stat_ec)) ++removed;
  }
  return removed;
}

}  // namespace nemo
