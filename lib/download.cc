#include "download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "envelope.h"
#include "error.h"
#include "http.h"
#include "interrupt.h"
#include "media_type.h"
#include "sha256.h"
#include "wait.h"

namespace nemo {
namespace {

namespace fs = std::filesystem;

// Hashes a file while it is being written, on its own thread, reading back what the writer
// has written (from the page cache): the transfer thread never waits for SHA-256, and memory
// stays one buffer however large the file. Behind the hashing, it starts the disk's writeback of
// what it has hashed (sync_file_range), so that the dirty pages never pile up to the kernel's
// throttling limit during the transfer and the final fsync has only the last steps left to wait
// for: the file is on disk about when the last byte has arrived.
class BackgroundHasher {
 public:
  explicit BackgroundHasher(int fd) : fd_(fd) { Start(); }
  ~BackgroundHasher() { Stop(); }

  void Advance(int64_t written) {
    {
      std::lock_guard lock(mu_);
      target_ = written;
    }
    cv_.notify_one();
  }

  // Waits until everything written so far is hashed.
  std::string Finish() {
    {
      std::lock_guard lock(mu_);
      finishing_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (!error_.empty()) throw Error(kExitInternal, error_);
    return hash_.HexDigest();
  }

  // Forget everything: the file is about to be truncated.
  void Reset() {
    Stop();
    hash_.Reset();
    hashed_ = target_ = flushed_ = 0;
    Start();
  }

 private:
  void Start() {
    stop_ = finishing_ = false;
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }
  void Run() {
    std::vector<char> buffer(1 << 20);
    for (;;) {
      int64_t target;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || finishing_ || target_ > hashed_; });
        if (stop_) return;
        target = target_;
        if (finishing_ && hashed_ >= target) return;
      }
      while (hashed_ < target) {
        auto want = static_cast<std::size_t>(
            std::min<int64_t>(static_cast<int64_t>(buffer.size()), target - hashed_));
        ssize_t n = pread(fd_, buffer.data(), want, hashed_);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          error_ = std::string("cannot read back the download for its SHA-256: ") +
                   (n < 0 ? std::strerror(errno) : "short file");
          return;
        }
        hash_.Update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        hashed_ += n;
        if (hashed_ - flushed_ >= kWritebackStep) StartWriteback();
      }
    }
  }

  // Asks the kernel to start writing [flushed_, hashed_) to disk, without waiting for it. Only a
  // hint: where it fails (a file system without it), the final fsync does all the work.
  void StartWriteback() {
    sync_file_range(fd_, flushed_, hashed_ - flushed_, SYNC_FILE_RANGE_WRITE);
    flushed_ = hashed_;
  }

  static constexpr int64_t kWritebackStep = 8 << 20;

  int fd_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t target_ = 0;   // bytes written (under mu_)
  int64_t hashed_ = 0;   // the worker's own; read by others only after join
  int64_t flushed_ = 0;  // the worker's own: writeback started up to here
  bool stop_ = false, finishing_ = false;
  std::string error_;
  Sha256 hash_;
};

// Where the bytes go: the .part file (hashed behind the writer) or stdout (hashed inline).
class Sink {
 public:
  Sink(int fd, std::string name, bool seekable)
      : fd_(fd), name_(std::move(name)), seekable_(seekable) {
    if (seekable_) background_ = std::make_unique<BackgroundHasher>(fd_);
  }

  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        local_failure_ = true;
        throw Error(kExitInternal, name_ + ": cannot write: " + std::strerror(errno),
                    errno == ENOSPC ? "free some disk space and export again" : "");
      }
      if (!background_) hash_.Update(bytes.substr(0, static_cast<std::size_t>(n)));
      written_ += n;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    if (background_) background_->Advance(written_);
  }

  // Back to byte 0: a server that ignored Range, or another source.
  void Restart() {
    if (written_ == 0) return;
    if (!seekable_) {
      throw Error(kExitNetwork, "the download broke and cannot restart on a stream (" + name_ + ")",
                  "export to a file with -o FILE to get resumable downloads");
    }
    background_->Reset();
    if (ftruncate(fd_, 0) != 0 || lseek(fd_, 0, SEEK_SET) != 0) {
      local_failure_ = true;
      throw Error(kExitInternal, name_ + ": cannot truncate: " + std::strerror(errno));
    }
    written_ = 0;
  }

  int64_t written() const { return written_; }
  bool local_failure() const { return local_failure_; }
  // Stops the hashing thread (before the file is closed on a failure).
  void Abandon() { background_.reset(); }
  std::string digest() { return background_ ? background_->Finish() : hash_.HexDigest(); }

 private:
  int fd_;
  std::string name_;
  bool seekable_;
  int64_t written_ = 0;
  bool local_failure_ = false;
  Sha256 hash_;
  std::unique_ptr<BackgroundHasher> background_;
};

bool IsSignal(const Error& e) {
  return e.exit_code() == kExitInterrupted || e.exit_code() == kExitTerminated;
}

// libcurl refuses a 200 answer to a Range request before any byte is written.
bool RangeIgnored(const Error& e) {
  std::string what = e.what();
  return what.find("byte ranges") != std::string::npos ||
         what.find("range was not delivered") != std::string::npos;
}

// The first bytes of a fresh download must start the way its format starts: what the transport
// could not tell from an envelope (plain text under any label, a page cut to a word) is still not
// the video, and never becomes the file.
class FormatCheck {
 public:
  explicit FormatCheck(std::string format) : format_(std::move(format)) {}
  void See(std::string_view chunk) {
    if (decided_) return;
    head_.append(chunk.substr(0, kSniffBytes - head_.size()));
    if (head_.size() >= kSniffBytes) Decide();
  }
  void End() {
    if (!decided_ && !head_.empty()) Decide();
  }

 private:
  void Decide() {
    decided_ = true;
    if (ContentFitsFormat(format_, head_)) return;
    std::string what = DescribeContent(head_);
    throw Error(kExitBadResponse,
                "answered with " + (what.empty() ? "something" : what) + " that is not " +
                    (format_ == "mp4" ? "an MP4" : "a " + format_ + " file") + " (" +
                    BodyExcerpt(head_) + "…)",
                "the service or a gateway is failing; export again later");
  }
  std::string format_, head_;
  bool decided_ = false;
};

struct Source {
  std::string url;
  bool with_token;
  std::string label;
};

// Fetches the whole file from one source into the sink. Returns nothing on success, else why
// not, as the error to report (its exit code is the source's answer: 1001 → 3, 404 → 13, …).
std::optional<Error> FetchFrom(Api& api, const Source& source, Sink& sink,
                               const DownloadOptions& options, int& resumes) {
  int left = options.resumes;
  auto fail = [&](int exit_code, const std::string& why) {
    return Error(exit_code, source.label + ": " + why);
  };
  for (;;) {
    HttpRequest request;
    request.url = source.url;
    request.resume_from = sink.written();
    // Send retries a fresh request itself; resumed ones are retried here, with a new offset.
    request.idempotent = request.resume_from == 0;
    request.low_speed_seconds = 60;
    int64_t offset = request.resume_from;
    std::optional<FormatCheck> check;
    if (offset == 0) check.emplace(options.format);
    request.on_body = [&sink, &check](std::string_view chunk) {
      if (check) check->See(chunk);
      sink.Write(chunk);
    };
    request.expect = BodyKind::kFile;
    request.on_progress = [&, offset](int64_t, int64_t, int64_t, int64_t total) {
      if (options.on_progress) options.on_progress(sink.written(), total > 0 ? offset + total : -1);
    };
    HttpResponse response;
    try {
      // Through the API's one door, the CDN too (without the token): a JSON or HTML body where
      // the file should be is an error, never bytes of the video.
      response = api.Exchange(request, Plain::kErrorMemberFails, source.with_token).http;
    } catch (const Error& e) {
      if (IsSignal(e) || sink.local_failure()) throw;
      long status = e.http_status();
      if (status == 416 && offset > 0 && left-- > 0) {
        sink.Restart();
        continue;
      }
      if (status >= 500 && offset > 0 && left-- > 0) continue;
      if (status != 0 || e.exit_code() != kExitNetwork) {  // an answer, not a broken link
        return Error(e.exit_code(), source.label + ": " + e.what(), e.hint(), e.api_code(), status);
      }
      if (RangeIgnored(e) && left-- > 0) {
        sink.Restart();
        continue;
      }
      if (sink.written() > offset && left-- > 0) {  // dropped mid-way: resume where it stopped
        ++resumes;
        continue;
      }
      if (offset > 0 && left-- > 0) continue;
      return Error(e.exit_code(), e.what(), e.hint(), e.api_code());
    }
    if (check && response.streamed) {
      try {
        check->End();
      } catch (const Error& e) {
        return Error(e.exit_code(), source.label + ": " + e.what(), e.hint());
      }
    }
    long status = response.status;
    int64_t total = AnnouncedTotal(status, response.Header("content-range"),
                                   response.Header("content-length"), offset);
    if (status == 200 && offset > 0) {
      // curl's "the entire document is already downloaded": nothing came, nothing is missing.
      if (response.body_bytes == 0 && total == offset) return std::nullopt;
      // Otherwise the server sent the whole file again after our bytes: start over.
      sink.Restart();
      if (left-- > 0) continue;
      return fail(kExitBadResponse, "ignored the Range request");
    }
    if (total >= 0 && sink.written() != total) {
      if (sink.written() < total && left-- > 0) {
        ++resumes;
        continue;
      }
      return fail(
          sink.written() < total ? kExitNetwork : kExitBadResponse,
          "got " + std::to_string(sink.written()) + " of " + std::to_string(total) + " bytes");
    }
    if (sink.written() == 0) return fail(kExitBadResponse, "answered with an empty file");
    return std::nullopt;
  }
}

void FsyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

// The descriptor a path names (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N), else -1.
// Such a path is a stream whatever is behind the descriptor: writing beside it a .part to rename
// over it would replace the link in /dev itself (as root).
int DescriptorOf(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const char* dir : {"/dev/fd/", "/proc/self/fd/"}) {
    std::string prefix = dir;
    if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size() ||
        path.size() > prefix.size() + 6)
      continue;
    std::string digits = path.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") == std::string::npos) return std::stoi(digits);
  }
  return -1;
}

// A FIFO or a character device (/dev/null, a terminal) is written as a stream: replacing it with
// a regular file (as root, /dev/null) is never what -o meant.
bool IsStreamTarget(mode_t mode) { return S_ISFIFO(mode) || S_ISCHR(mode); }

// FILE.part is ours to replace when it is a regular file (a stale partial download); anything else
// there (a symbolic link, stale or planted, is never followed) is refused before any request.
void CheckPartPath(const std::string& part) {
  struct stat st {};
  if (lstat(part.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return;
  throw Error(kExitUsage, part + ": " + FileKindOf(st.st_mode) + " where the download would go",
              "remove it (rm " + part + ") and export again");
}

// Opens the .part file afresh: a stale one is removed, a link is never followed (O_EXCL and
// O_NOFOLLOW also refuse one planted since CheckOutputPath).
int CreatePart(const std::string& part) {
  CheckPartPath(part);
  if (unlink(part.c_str()) != 0 && errno != ENOENT) {
    throw Error(kExitUsage,
                part + ": cannot remove the stale partial download: " + std::strerror(errno));
  }
  int fd = open(part.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) throw Error(kExitUsage, part + ": cannot create: " + std::strerror(errno));
  return fd;
}

// Opens an existing FIFO or character device for writing, never creating or truncating anything
// (a descriptor path: that descriptor as it is). A FIFO's open waits for a reader; Ctrl-C ends
// the wait.
int OpenStream(const std::string& target) {
  if (int n = DescriptorOf(target); n >= 0) {
    int fd = fcntl(n, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) throw Error(kExitUsage, target + ": " + std::strerror(errno));
    return fd;
  }
  for (;;) {
    int fd = open(target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0) {
      struct stat st {};
      if (fstat(fd, &st) == 0 && IsStreamTarget(st.st_mode)) return fd;
      close(fd);
      throw Error(kExitUsage, target + ": no longer a FIFO or device", "export again");
    }
    if (errno != EINTR) {
      throw Error(kExitUsage, target + ": cannot open for writing: " + std::strerror(errno));
    }
    ThrowIfInterrupted();
  }
}

}  // namespace

int64_t AnnouncedTotal(long status, const std::string& content_range,
                       const std::string& content_length, int64_t offset) {
  try {
    if (status == 206) {
      auto slash = content_range.rfind('/');
      if (slash == std::string::npos || content_range.compare(slash + 1, 1, "*") == 0) return -1;
      return std::stoll(content_range.substr(slash + 1));
    }
    if (content_length.empty()) return -1;
    return std::stoll(content_length) + (status == 200 ? 0 : offset);
  } catch (...) {
    return -1;
  }
}

std::string CheckOutputPath(const std::string& path) {
  if (path.empty()) throw Error(kExitUsage, "-o: the output path is empty");
  if (path == "-") return path;
  if (path.back() == '/') {
    throw Error(kExitUsage, path + ": is a directory",
                "give a file name, e.g. -o " + path + "video.mp4");
  }
  fs::path absolute = fs::absolute(fs::path(path)).lexically_normal();
  if (int descriptor = DescriptorOf(absolute.string()); descriptor >= 0) {
    if (descriptor == 1) return "-";
    if (fcntl(descriptor, F_GETFD) < 0) {
      throw Error(kExitUsage, path + ": no such open file descriptor");
    }
    return absolute.string();
  }
  struct stat st {};
  if (stat(absolute.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      throw Error(kExitUsage, path + ": is a directory",
                  "give a file name, e.g. -o " + (fs::path(path) / "video.mp4").string());
    }
    if (IsStreamTarget(st.st_mode)) {  // written as a stream, never replaced
      if (access(absolute.c_str(), W_OK) != 0) {
        throw Error(kExitUsage, path + ": cannot write: " + std::strerror(errno));
      }
      return absolute.string();
    }
    if (!S_ISREG(st.st_mode)) {
      throw Error(
          kExitUsage,
          path + ": " + FileKindOf(st.st_mode) + ", neither a file nor a stream to write to",
          "give a file name, - for stdout, or a FIFO");
    }
  }
  std::string dir = absolute.parent_path().string();
  if (stat(dir.c_str(), &st) != 0) {
    throw Error(kExitUsage, path + ": directory " + dir + " does not exist",
                "create it first (mkdir -p " + dir + ")");
  }
  if (!S_ISDIR(st.st_mode)) throw Error(kExitUsage, path + ": " + dir + " is not a directory");
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    throw Error(kExitUsage, path + ": directory " + dir + " is not writable");
  }
  CheckPartPath(absolute.string() + ".part");
  return absolute.string();
}

DownloadResult Download(Api& api, const DownloadOptions& options) {
  auto started = std::chrono::steady_clock::now();
  bool to_stdout = options.target == "-";
  struct stat st {};
  bool to_stream = !to_stdout && (DescriptorOf(options.target) >= 0 ||
                                  (stat(options.target.c_str(), &st) == 0 &&
                                   IsStreamTarget(st.st_mode)));  // written, never replaced
  bool to_file = !to_stdout && !to_stream;
  std::string part = to_file ? options.target + ".part" : "";
  int fd = to_stdout ? 1 : to_stream ? OpenStream(options.target) : CreatePart(part);
  auto discard = [&] {
    if (to_stdout) return;
    close(fd);
    if (to_file) unlink(part.c_str());
  };

  std::vector<Source> sources;
  if (!options.url.empty()) sources.push_back({options.url, false, "the output URL"});
  if (!options.fallback_path.empty()) {
    sources.push_back({api.Url(options.fallback_path), true, "the API's download endpoint"});
  }
  DownloadResult result;
  result.file = to_stdout ? "-" : options.target;
  Sink sink(fd, to_stdout ? "stdout" : to_stream ? options.target : part, to_file);
  std::string why;
  std::optional<Error> last;
  try {
    bool done = false;
    for (std::size_t i = 0; i < sources.size() && !done; ++i) {
      if (i > 0) {
        if (options.on_note) options.on_note(why + "; trying " + sources[i].label);
        sink.Restart();
      }
      last = FetchFrom(api, sources[i], sink, options, result.resumes);
      if (!last) {
        done = true;
        result.fallback = sources[i].with_token;
      } else {
        why = why.empty() ? last->what() : why + "; " + last->what();
      }
    }
    if (sources.empty()) why = "the job gave no download URL";
    if (!done) {
      // The last source's answer decides the exit code: a refused token is 3, a dropped link 10.
      std::string hint = last && !last->hint().empty()
                             ? last->hint()
                             : "the render finished on the server; export again to retry the "
                               "download";
      throw Error(last ? last->exit_code() : kExitNetwork, "download failed: " + why, hint,
                  last ? last->api_code() : 0);
    }
    result.bytes = sink.written();
    result.sha256 = sink.digest();
    if (to_file) {
      if (fsync(fd) != 0) {
        throw Error(kExitInternal, part + ": fsync failed: " + std::strerror(errno));
      }
    }
  } catch (...) {
    sink.Abandon();
    discard();
    throw;
  }
  if (to_stream && close(fd) != 0) {
    throw Error(kExitInternal, options.target + ": close failed: " + std::strerror(errno));
  }
  if (to_file) {
    if (close(fd) != 0) {
      unlink(part.c_str());
      throw Error(kExitInternal, part + ": close failed: " + std::strerror(errno));
    }
    if (rename(part.c_str(), options.target.c_str()) != 0) {
      int err = errno;
      unlink(part.c_str());
      throw Error(kExitInternal, options.target + ": cannot rename the download into place: " +
                                     std::strerror(err));
    }
    FsyncDirectory(fs::path(options.target).parent_path().string());
  }
  result.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  return result;
}

}  // namespace nemo
