#include "private_files.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "error.h"
#include "output.h"

namespace nemo {
namespace fs = std::filesystem;

namespace {

std::string UserName(uid_t uid) {
  std::vector<char> buffer(4096);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) == 0 && found) {
    return std::string(found->pw_name) + " (uid " + std::to_string(uid) + ")";
  }
  return "uid " + std::to_string(uid);
}

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

[[noreturn]] void Refuse(const fs::path& path, const std::string& why, const std::string& hint,
                         const PrivatePlace& place = kConfigPlace) {
  throw Error(kExitAuth,
              path.string() + ": " + why + "; refusing to keep " + place.keeps + " there", hint);
}

std::string HintFor(const fs::path& path, const std::string& why, bool is_dir,
                    const PrivatePlace& place = kConfigPlace) {
  if (why.rfind("owned by", 0) == 0) {
    return std::string("it is not yours: use a directory of your own (set ") + place.variable +
           "), or remove " + path.string();
  }
  return std::string("check that nothing in it was planted, then chmod ") +
         (is_dir ? "700 " : "600 ") + path.string();
}

}  // namespace

std::string UnsafeOwnerOrMode(uid_t owner, mode_t mode, uid_t uid) {
  if (owner != uid) return "owned by " + UserName(owner) + ", not by you";
  if ((mode & 022) != 0) {
    return std::string("writable by ") + ((mode & 002) != 0 ? "others" : "its group") + " (mode " +
           Octal(mode) + ")";
  }
  return "";
}

void CheckPrivateDir(const fs::path& dir, const PrivatePlace& place) {
  struct stat link {};
  if (lstat(dir.c_str(), &link) != 0) {
    if (errno == ENOENT) return;
    throw Error(kExitAuth, dir.string() + ": cannot inspect: " + std::strerror(errno));
  }
  uid_t uid = geteuid();
  if (S_ISLNK(link.st_mode)) {
    // A link planted by someone else could point anywhere; root's links (provisioning) are fine.
    if (link.st_uid != uid && link.st_uid != 0) {
      Refuse(dir, "a symbolic link owned by " + UserName(link.st_uid) + ", not by you",
             std::string("remove the link if you did not make it, or set ") + place.variable,
             place);
    }
    struct stat target {};
    if (stat(dir.c_str(), &target) != 0) {
      throw Error(kExitAuth, dir.string() + ": a broken symbolic link: " + std::strerror(errno),
                  "point it at a directory of yours, or remove it");
    }
    if (!S_ISDIR(target.st_mode)) throw Error(kExitAuth, dir.string() + ": not a directory");
    std::error_code ec;
    fs::path resolved = fs::canonical(dir, ec);
    if (ec) resolved = dir;
    std::string why = UnsafeOwnerOrMode(target.st_uid, target.st_mode, uid);
    if (!why.empty()) {
      Refuse(dir, "links to " + resolved.string() + ", " + why, HintFor(resolved, why, true, place),
             place);
    }
    return;  // readable by others, perhaps, but never chmod'ed through the link
  }
  if (!S_ISDIR(link.st_mode)) throw Error(kExitAuth, dir.string() + ": not a directory");
  std::string why = UnsafeOwnerOrMode(link.st_uid, link.st_mode, uid);
  if (!why.empty()) Refuse(dir, why, HintFor(dir, why, true, place), place);
  if ((link.st_mode & 077) == 0) return;
  // Ours, readable by others (created with the usual umask): make it private, on the directory
  // we inspected (O_NOFOLLOW, same inode), never on whatever the name points at by then.
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat opened {};
  bool same = fd >= 0 && fstat(fd, &opened) == 0 && opened.st_ino == link.st_ino &&
              opened.st_dev == link.st_dev;
  int err = fd < 0 ? errno : same ? 0 : EAGAIN;
  if (same && fchmod(fd, 0700) != 0) err = errno;
  if (fd >= 0) close(fd);
  if (err != 0) {
    throw Error(kExitAuth,
                dir.string() + ": cannot make it private (mode 0700): " + std::strerror(err),
                "chmod 700 " + dir.string());
  }
}

int OpenPrivateFile(const fs::path& path, bool tighten) {
  // O_NONBLOCK: a FIFO planted in its place must not hang the program.
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return -1;
    if (errno == ELOOP) {
      Refuse(path, "a symbolic link", "replace the link by the file it points at, or remove it");
    }
    throw Error(kExitAuth, path.string() + ": cannot open: " + std::strerror(errno));
  }
  struct stat st {};
  auto fail = [&](const std::string& why, const std::string& hint, bool refusal) {
    close(fd);
    if (refusal) Refuse(path, why, hint);
    throw Error(kExitAuth, path.string() + ": " + why, hint);
  };
  if (fstat(fd, &st) != 0) fail(std::string("cannot inspect: ") + std::strerror(errno), "", false);
  if (!S_ISREG(st.st_mode)) {
    fail("not a regular file", "move it out of the way, then run `nemo-auth` again", false);
  }
  std::string why = UnsafeOwnerOrMode(st.st_uid, st.st_mode, geteuid());
  if (!why.empty()) fail(why, HintFor(path, why, false), true);
  if (tighten && (st.st_mode & 077) != 0) {
    // Readable by others but written by nobody else: the token is still the user's. Make it
    // private again rather than refuse, and say so.
    if (fchmod(fd, 0600) != 0) {
      fail(std::string("readable by others, and cannot make it private (mode 0600): ") +
               std::strerror(errno),
           "chmod 600 " + path.string(), false);
    }
    PrintWarning(program_invocation_short_name,
                 path.string() + " was readable by others; its mode is now 0600");
  }
  // Reads block from here on (O_NONBLOCK was for the open only).
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::string ReadAndClose(int fd, const fs::path& path) {
  std::string out;
  char buffer[8192];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = std::strerror(errno);
      close(fd);
      throw Error(kExitAuth, path.string() + ": cannot read: " + why);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

}  // namespace nemo
