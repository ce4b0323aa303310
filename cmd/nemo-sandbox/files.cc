#include "files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

namespace sandbox {

namespace {

struct OpenFile {
  int fd = -1;
  ~OpenFile() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

void ServeFile(Sandbox& sb, const httplib::Request& req, httplib::Response& res,
               const std::string& path, const std::string& content_type) {
  auto file = std::make_shared<OpenFile>();
  file->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (file->fd < 0 || fstat(file->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    res.status = 404;
    res.set_content("not found\n", "text/plain");
    return;
  }
  size_t size = static_cast<size_t>(st.st_size);
  // httplib 0.11.4 slices ranges itself but does not refuse one that starts past the end;
  // a real CDN answers 416 with the size, which is what resuming clients rely on.
  if (req.ranges.size() == 1) {
    auto [first, last] = req.ranges[0];
    bool unsatisfiable =
        (first >= 0 && static_cast<size_t>(first) >= size) || (first < 0 && last == 0) || size == 0;
    if (unsatisfiable) {
      res.status = 416;
      res.set_header("Content-Range", "bytes */" + std::to_string(size));
      res.set_content("", "text/plain");
      return;
    }
  }
  res.set_header("Accept-Ranges", "bytes");
  int64_t break_after = sb.faults.TakeBreak();
  auto sent = std::make_shared<int64_t>(0);
  res.set_content_provider(
      size, content_type,
      [&sb, file, break_after, sent](size_t offset, size_t length, httplib::DataSink& sink) {
        if (sb.stopping) return false;
        std::vector<char> buf(std::min<size_t>(length, 256 * 1024));
        ssize_t n = pread(file->fd, buf.data(), buf.size(), static_cast<off_t>(offset));
        if (n <= 0) return false;
        size_t len = static_cast<size_t>(n);
        if (break_after > 0 && *sent + static_cast<int64_t>(len) >= break_after) {
          // The fault: send exactly break_after bytes, then drop the connection.
          len = static_cast<size_t>(break_after - *sent);
          if (len > 0) sink.write(buf.data(), len);
          return false;
        }
        *sent += static_cast<int64_t>(len);
        return sink.write(buf.data(), len);
      });
}

}  // namespace sandbox
