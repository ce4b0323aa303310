// Safe downloads against real HTTP servers: .part then rename, Range resume after a dropped
// connection, a server that ignores Range, the fallback with the token (never to the CDN),
// size checks, and output path checks.
#include "download.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "error.h"
#include "local_server.h"
#include "sha256.h"
#include "temp_files.h"

namespace fs = std::filesystem;
using nemo_test::Slurp;

namespace {

std::string Payload(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

// Serves `data` at /file.mp4; `break_first` requests stop after `break_at` bytes; with
// `ignore_range` every answer is a chunked 200 of the whole file.
struct FileServer {
  nemo_test::LocalServer srv;
  std::string data;
  std::atomic<int> requests{0}, auth_headers{0}, range_requests{0};
  int break_first = 0;
  std::size_t break_at = 0;
  bool ignore_range = false;
  int status = 200;

  explicit FileServer(std::string d) : data(std::move(d)) {
    srv.server.Get("/file.mp4", [this](const httplib::Request& req, httplib::Response& res) {
      int n = ++requests;
      if (req.has_header("Authorization")) ++auth_headers;
      if (req.has_header("Range")) ++range_requests;
      if (status != 200) {
        res.status = status;
        res.set_content("<html>nope</html>", "text/html");
        return;
      }
      bool cut = n <= break_first;
      if (ignore_range) {
        res.status = 200;
        res.set_chunked_content_provider(
            "video/mp4", [this, cut](size_t offset, httplib::DataSink& sink) {
              if (offset >= data.size()) {
                sink.done();
                return true;
              }
              if (cut && offset >= break_at) return false;
              std::size_t len = std::min<std::size_t>(65536, data.size() - offset);
              if (cut) len = std::min(len, break_at - offset);
              sink.write(data.data() + offset, len);
              return true;
            });
        return;
      }
      auto sent = std::make_shared<std::size_t>(0);
      res.set_content_provider(
          data.size(), "video/mp4",
          [this, cut, sent](size_t offset, size_t length, httplib::DataSink& sink) {
            std::size_t len = std::min<std::size_t>(length, 65536);
            if (cut) {
              if (*sent >= break_at) return false;
              len = std::min(len, break_at - *sent);
            }
            sink.write(data.data() + offset, len);
            *sent += len;
            return true;
          });
    });
    srv.Start();
  }
};

nemo::DownloadOptions Options(const std::string& url, const fs::path& target) {
  nemo::DownloadOptions o;
  o.url = url;
  o.target = target.string();
  return o;
}

}  // namespace

TEST(Download, WritesTheFileWithItsShaAndLeavesNoPart) {
  FileServer cdn(Payload(300000));
  nemo_test::TempDir tmp;
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  auto target = tmp.path / "out.mp4";
  auto r = nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", target));
  EXPECT_EQ(Slurp(target), cdn.data);
  EXPECT_EQ(r.bytes, 300000);
  EXPECT_EQ(r.sha256, nemo::Sha256Hex(cdn.data));
  EXPECT_FALSE(fs::exists(tmp.path / "out.mp4.part"));
  EXPECT_FALSE(r.fallback);
  EXPECT_EQ(cdn.auth_headers.load(), 0);
}

TEST(Download, ADroppedConnectionResumesWithRange) {
  FileServer cdn(Payload(500000));
  cdn.break_first = 1;
  cdn.break_at = 100000;
  nemo_test::TempDir tmp;
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  auto r = nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", tmp.path / "o"));
  EXPECT_EQ(r.sha256, nemo::Sha256Hex(cdn.data));
  EXPECT_EQ(Slurp(tmp.path / "o"), cdn.data);
  EXPECT_EQ(r.resumes, 1);
  EXPECT_EQ(cdn.range_requests.load(), 1);
}

TEST(Download, AServerIgnoringRangeRestartsFromZero) {
  FileServer cdn(Payload(400000));
  cdn.ignore_range = true;
  cdn.break_first = 1;
  cdn.break_at = 150000;
  nemo_test::TempDir tmp;
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  auto r = nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", tmp.path / "o"));
  EXPECT_EQ(r.sha256, nemo::Sha256Hex(cdn.data));
  EXPECT_EQ(Slurp(tmp.path / "o"), cdn.data);
}

TEST(Download, Cdn404FallsBackToTheApiWithTheTokenAndNeverSendsItToTheCdn) {
  FileServer cdn(Payload(1000));
  cdn.status = 404;
  std::atomic<int> api_hits{0};
  std::string payload = Payload(200000);
  nemo_test::LocalServer api_srv;
  api_srv.server.Get(
      "/api/render/proxy/r1/download", [&](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("Authorization") == std::string("Bearer ") + nemo_test::kTestToken)
          ++api_hits;
        res.set_content(payload, "video/mp4");
      });
  api_srv.Start();
  nemo_test::TempDir tmp;
  nemo::Api api = nemo_test::TestApi(api_srv.Url());
  auto o = Options(cdn.srv.Url("localhost") + "/file.mp4", tmp.path / "o.mp4");
  o.fallback_path = "/api/render/proxy/r1/download";
  std::string note;
  o.on_note = [&](const std::string& n) { note = n; };
  auto r = nemo::Download(api, o);
  EXPECT_TRUE(r.fallback);
  EXPECT_EQ(r.sha256, nemo::Sha256Hex(payload));
  EXPECT_EQ(api_hits.load(), 1);
  EXPECT_EQ(cdn.auth_headers.load(), 0);
  EXPECT_NE(note.find("404"), std::string::npos) << note;
}

// A body that is not an MP4 (a gateway's text under the video's own type and HTTP 200) is
// never the file: the source fails with 13 and nothing is left at the final name.
TEST(Download, ABodyThatIsNotTheFormatIsNeverTheFile) {
  FileServer cdn("Forbidden\n");
  nemo_test::TempDir dir;
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  nemo::DownloadOptions o = Options(cdn.srv.Url("localhost") + "/file.mp4", dir.path / "out.mp4");
  o.format = "mp4";
  try {
    nemo::Download(api, o);
    FAIL() << "a text body was taken for the video";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitBadResponse);
    EXPECT_NE(std::string(e.what()).find("not an MP4"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path / "out.mp4"));
  EXPECT_FALSE(fs::exists(dir.path / "out.mp4.part"));
  // The same bytes with no format to check are downloaded as they are.
  o.format.clear();
  EXPECT_EQ(nemo::Download(api, o).bytes, 10);
}

TEST(Download, FailureLeavesNeitherTheFileNorThePart) {
  FileServer cdn(Payload(1000));
  cdn.status = 404;
  nemo_test::TempDir tmp;
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  auto target = tmp.path / "o.mp4";
  EXPECT_THROW(nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", target)),
               nemo::Error);
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(tmp.path / "o.mp4.part"));
}

TEST(Download, AnExistingTargetSurvivesAFailedDownload) {
  FileServer cdn(Payload(1000));
  cdn.break_first = 100;  // every try breaks
  cdn.break_at = 10;
  nemo_test::TempDir tmp;
  auto target = tmp.path / "keep.mp4";
  std::ofstream(target) << "the user's file";
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  EXPECT_THROW(nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", target)),
               nemo::Error);
  EXPECT_EQ(Slurp(target), "the user's file");
  EXPECT_FALSE(fs::exists(tmp.path / "keep.mp4.part"));
}

TEST(OutputPath, DirectoriesAndMissingParentsAreRefused) {
  nemo_test::TempDir tmp;
  std::ofstream(tmp.path / "file") << "x";
  for (const std::string& bad :
       {tmp.path.string(), tmp.path.string() + "/", (tmp.path / "missing" / "o.mp4").string(),
        (tmp.path / "file" / "o.mp4").string(), std::string()}) {
    try {
      nemo::CheckOutputPath(bad);
      FAIL() << bad;
    } catch (const nemo::Error& e) {
      EXPECT_EQ(e.exit_code(), nemo::kExitUsage) << bad;
    }
  }
}

TEST(OutputPath, AGoodPathBecomesAbsoluteAndDashStays) {
  nemo_test::TempDir tmp;
  EXPECT_EQ(nemo::CheckOutputPath((tmp.path / "a" / ".." / "o.mp4").string()),
            (tmp.path / "o.mp4").string());
  EXPECT_EQ(nemo::CheckOutputPath("-"), "-");
  EXPECT_TRUE(fs::path(nemo::CheckOutputPath("rel.mp4")).is_absolute());
}

TEST(OutputPath, AnnouncedTotalReadsContentRangeAndLength) {
  EXPECT_EQ(nemo::AnnouncedTotal(206, "bytes 100-199/500", "100", 100), 500);
  EXPECT_EQ(nemo::AnnouncedTotal(206, "bytes 100-199/*", "100", 100), -1);
  EXPECT_EQ(nemo::AnnouncedTotal(200, "", "500", 0), 500);
  EXPECT_EQ(nemo::AnnouncedTotal(200, "", "", 0), -1);
  EXPECT_EQ(nemo::AnnouncedTotal(200, "", "junk", 0), -1);
}

// The names of stdout stream to fd 1; a FIFO or character device is a stream target, kept as it is.
TEST(OutputPath, StdoutNamesAndStreamsAreNeverFiles) {
  nemo_test::TempDir tmp;
  for (const char* name : {"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
    EXPECT_EQ(nemo::CheckOutputPath(name), "-") << name;
  }
  EXPECT_EQ(nemo::CheckOutputPath("/dev/null"), "/dev/null");
  auto fifo = tmp.path / "out.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(nemo::CheckOutputPath(fifo.string()), fifo.string());
}

// A FIFO target receives the bytes as a stream and stays a FIFO (no .part, no rename).
TEST(Download, AFifoTargetIsStreamedIntoNotReplaced) {
  FileServer cdn(Payload(200000));
  nemo_test::TempDir tmp;
  auto fifo = tmp.path / "out.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = Slurp(fifo); });
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  auto r = nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", fifo));
  reader.join();
  EXPECT_EQ(got, cdn.data);
  EXPECT_EQ(r.sha256, nemo::Sha256Hex(cdn.data));
  EXPECT_EQ(r.file, fifo.string());
  struct stat st {};
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_FALSE(fs::exists(tmp.path / "out.fifo.part"));
}

// FILE.part that is not a regular file (a stale or planted symbolic link) is refused up front, and
// Download never follows one planted after the check; a stale regular .part is simply replaced.
TEST(OutputPath, APartThatIsALinkIsRefusedAndNeverFollowed) {
  nemo_test::TempDir tmp;
  auto target = tmp.path / "o.mp4";
  auto victim = tmp.path / "victim";
  std::ofstream(victim) << "precious";
  fs::create_symlink(victim, tmp.path / "o.mp4.part");
  EXPECT_THROW(nemo::CheckOutputPath(target.string()), nemo::Error);
  FileServer cdn(Payload(1000));
  nemo::Api api = nemo_test::TestApi("http://127.0.0.1:1");
  EXPECT_THROW(nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", target)),
               nemo::Error);
  EXPECT_EQ(Slurp(victim), "precious");
  EXPECT_EQ(cdn.requests.load(), 0);
  fs::remove(tmp.path / "o.mp4.part");
  std::ofstream(tmp.path / "o.mp4.part") << "half a download";
  EXPECT_EQ(nemo::CheckOutputPath(target.string()), target.string());
  nemo::Download(api, Options(cdn.srv.Url("localhost") + "/file.mp4", target));
  EXPECT_EQ(Slurp(target), cdn.data);
}

// A socket (or any special file but a FIFO or character device) is neither a file nor a stream.
TEST(OutputPath, ASocketIsRefused) {
  nemo_test::TempDir tmp;
  auto path = tmp.path / "s";
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  close(fd);
  try {
    nemo::CheckOutputPath(path.string());
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
    EXPECT_NE(std::string(e.what()).find("a socket"), std::string::npos) << e.what();
  }
}
