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

void ReplaceFileAtomically(const fs::path& path, std::string_view content, int mode,
                           int error_exit) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  // Built by appending: GCC 12 -O3 warns (-Wrestrict, a false alarm) on `"." + string + "…"`.
  std::string name = ".";
  name.append(path.filename().string()).append(".XXXXXX");
  std::string tmpl = (dir / name).string();
  int fd = mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) {
    throw Error(error_exit,
                path.string() + ": cannot create a temporary file: " + std::strerror(errno));
  }
  auto fail = [&](const std::string& what) {
    std::string why = std::strerror(errno);
    close(fd);
    unlink(tmpl.c_str());
    throw Error(error_exit, path.string() + ": " + what + ": " + why);
  };
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) fail("cannot set the mode");
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) fail("cannot fsync");
  if (close(fd) != 0) {
    std::string why = std::strerror(errno);
    unlink(tmpl.c_str());
    throw Error(error_exit, path.string() + ": cannot close: " + why);
  }
  if (rename(tmpl.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    unlink(tmpl.c_str());
    throw Error(error_exit, path.string() + ": cannot rename into place: " + why);
  }
  // The rename itself must survive a crash too.
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
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
