#include "contact_sheet.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "atomic_file.h"
#include "error.h"
#include "exit_code.h"
#include "interrupt.h"

extern char** environ;

namespace nemo {
namespace {

bool OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = end > start ? dirs.substr(start, end - start) : std::string(".");
    if (access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Runs argv (no shell: file names stay file names) with stdin and stderr on /dev/null and
// returns its stdout (capped) and exit status, 128+signal when a signal ended it.
int Run(const std::vector<std::string>& argv, std::string* out) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  // The child starts with default signal handling, so Ctrl-C stops ffmpeg as it stops us.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGTERM, SIGINT}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return -1;
  }
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (out->size() < 65536) out->append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

void ThrowIfSignalled() {
  if (int sig = InterruptSignal()) {
    throw Error(ExitCodeForSignal(sig), "interrupted while making the contact sheet");
  }
}

// The video's length in seconds, from ffprobe.
double Duration(const std::string& video) {
  std::string out;
  int status = Run({"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                    "default=noprint_wrappers=1:nokey=1", "--", video},
                   &out);
  ThrowIfSignalled();
  char* end = nullptr;
  double seconds = std::strtod(out.c_str(), &end);
  if (status != 0 || end == out.c_str() || !(seconds > 0)) {
    throw Error(kExitBadResponse, video + ": ffprobe cannot read the video's length");
  }
  return seconds;
}

}  // namespace

void RequireFfmpeg(const std::string& flag) {
  for (const char* tool : {"ffmpeg", "ffprobe"}) {
    if (!OnPath(tool)) {
      throw Error(kExitUsage, flag + " needs " + tool + ", which is not installed (not on PATH)",
                  "install it (Debian: apt-get install ffmpeg), or leave " + flag + " out");
    }
  }
}

std::string CheckContactSheetPath(const std::string& path) {
  namespace fs = std::filesystem;
  const std::string ext = ".png";
  if (path.size() <= ext.size() || path.compare(path.size() - ext.size(), ext.size(), ext) != 0) {
    throw Error(kExitUsage, path + ": a contact sheet is a PNG file; name it FILE.png");
  }
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) throw Error(kExitUsage, path + ": " + ec.message());
  if (fs::is_directory(absolute, ec)) throw Error(kExitUsage, path + ": is a directory");
  fs::path dir = absolute.parent_path();
  if (!fs::is_directory(dir, ec)) throw Error(kExitUsage, path + ": no such directory");
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    throw Error(kExitUsage, path + ": the directory is not writable");
  }
  return absolute.string();
}

void MakeContactSheet(const std::string& video, const std::string& png,
                      const ContactSheetLayout& layout) {
  int frames = layout.columns * layout.rows;
  double every = Duration(video) / frames;
  // The first frame, then one each `every` seconds; each labelled with its own time.
  char select[128];
  std::snprintf(select, sizeof select,
                "select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,%.3f)'", every);
  std::string filter = std::string(select) + ",scale=" + std::to_string(layout.frame_width) +
                       ":-2,drawtext=text='%{pts\\:hms}':x=6:y=6:fontsize=18:"
                       "fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4,tile=" +
                       std::to_string(layout.columns) + "x" + std::to_string(layout.rows) +
                       ":padding=4:margin=4:color=0x202020";

  // The temporary ends in .png: ffmpeg picks the format by the name.
  AtomicFile sheet(png, DefaultFileMode(), kExitUsage, ".png");
  std::string ignored;
  int status =
      Run({"ffmpeg", "-nostdin", "-v", "error", "-y", "-i", video, "-vf", filter, "-fps_mode",
           "vfr", "-frames:v", "1", "-update", "1", "-c:v", "png", sheet.path().string()},
          &ignored);
  ThrowIfSignalled();
  struct stat st {};
  if (status != 0 || stat(sheet.path().c_str(), &st) != 0 || st.st_size == 0) {
    throw Error(kExitBadResponse, video + ": ffmpeg could not make a contact sheet of it");
  }
  sheet.Commit();
}

}  // namespace nemo
