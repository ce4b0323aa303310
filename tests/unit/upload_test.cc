// nemo-upload's library: local checks, size messages, URL checks and reply verification.
#include "upload.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "error.h"

namespace nemo {
namespace {

namespace fs = std::filesystem;

class UploadCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nemo-upload-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  // The exit code and message CheckFile throws for `path`.
  std::pair<int, std::string> Refusal(const std::string& path, int64_t limit = 1 << 20) {
    try {
      CheckFile(path, limit);
    } catch (const Error& e) {
      return {e.exit_code(), e.what()};
    }
    return {0, ""};
  }
  fs::path dir_;
};

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'x');

// A real PNG passes and keeps its base name, type and size.
TEST_F(UploadCheckTest, AcceptsAMatchingFile) {
  LocalFile f = CheckFile(Write("a.png", kPng), 1 << 20);
  EXPECT_EQ(f.filename, "a.png");
  EXPECT_EQ(f.type->kind, "image");
  EXPECT_EQ(f.size, static_cast<int64_t>(kPng.size()));
}

// Missing files, directories and FIFOs are usage errors (2) that name the file.
TEST_F(UploadCheckTest, NotAFileIsUsageError) {
  auto missing = Refusal((dir_ / "nope.png").string());
  EXPECT_EQ(missing.first, kExitUsage);
  EXPECT_NE(missing.second.find("nope.png: no such file"), std::string::npos);
  EXPECT_EQ(Refusal(dir_.string()).first, kExitUsage);
  std::string fifo = (dir_ / "f.mp4").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto r = Refusal(fifo);  // must return at once: nothing opens the FIFO
  EXPECT_EQ(r.first, kExitUsage);
  EXPECT_NE(r.second.find("FIFO"), std::string::npos);
}

// Unsupported extensions, empty files and foreign content are unsupported files (6).
TEST_F(UploadCheckTest, UnsupportedContentIsExit6) {
  EXPECT_EQ(Refusal(Write("notes.txt", "hi")).first, kExitUnsupportedFile);
  auto empty = Refusal(Write("e.png", ""));
  EXPECT_EQ(empty.first, kExitUnsupportedFile);
  EXPECT_NE(empty.second.find("empty file"), std::string::npos);
  auto text = Refusal(Write("x.mp4", "just some text\n"));
  EXPECT_EQ(text.first, kExitUnsupportedFile);
  EXPECT_NE(text.second.find("does not look like MP4"), std::string::npos);
}

// Over the limit is exit 7 with both sizes in the message.
TEST_F(UploadCheckTest, TooLargeIsExit7) {
  auto r = Refusal(Write("big.png", kPng), 50);
  EXPECT_EQ(r.first, kExitFileTooLarge);
  EXPECT_NE(r.second.find("big.png: file too large (108 B; limit 50 B)"), std::string::npos)
      << r.second;
}

// One bad file among good ones is found before anything is sent.
TEST_F(UploadCheckTest, CheckFilesStopsAtTheFirstBadFile) {
  std::string good = Write("a.png", kPng);
  EXPECT_THROW(CheckFiles({good, (dir_ / "missing.png").string(), good}, 1 << 20), Error);
  EXPECT_EQ(CheckFiles({good, good}, 1 << 20).size(), 2u);
}

// Sizes print rounded, and exactly when rounding would make them look equal.
TEST(UploadSizeTest, SizeAgainstLimit) {
  EXPECT_EQ(SizeAgainstLimit(612LL << 20, 500LL << 20), "612 MiB; limit 500 MiB");
  EXPECT_EQ(SizeAgainstLimit((3LL << 30) / 2, 1LL << 30), "1.5 GiB; limit 1.0 GiB");
  EXPECT_EQ(SizeAgainstLimit((500LL << 20) + 1, 500LL << 20),
            "524288001 bytes; limit 524288000 bytes");
}

// Only absolute http(s) URLs with a host are accepted.
TEST(UploadUrlTest, OnlyHttpUrls) {
  EXPECT_NO_THROW(CheckUploadUrl("https://example.com/a.mp4"));
  EXPECT_NO_THROW(CheckUploadUrl("http://example.com:8080/x/y.png?size=2"));
  for (const char* bad : {"ftp://example.com/a.mp4", "example.com/a.mp4", "/tmp/a.mp4", "https://",
                          "file:///etc/passwd", "https://exa mple.com/a.mp4"}) {
    try {
      CheckUploadUrl(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), kExitUsage) << bad;
    }
  }
}

const std::string kSha(64, 'a');

// A reply that agrees becomes context entries with the local size and hash and media fields.
TEST(UploadReplyTest, MatchingReplyBecomesEntries) {
  nlohmann::json data = {{"files",
                          {{{"filename", "a.png"},
                            {"file_type", "image"},
                            {"cdn_url", "https://cdn/a.png"},
                            {"size", 10},
                            {"hash", kSha},
                            {"width", 64},
                            {"height", 64},
                            {"duration", nullptr}}}}};
  nlohmann::json out = VerifyUploadReply(data, {{"a.png", 10, kSha, "image"}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["cdn_url"], "https://cdn/a.png");
  EXPECT_EQ(out[0]["sha256"], kSha);
  EXPECT_EQ(out[0]["width"], 64);
  EXPECT_FALSE(out[0].contains("duration"));
}

// A size or hash the server reports differently is exit 13, naming the file and both sizes.
TEST(UploadReplyTest, MismatchIsBadResponse) {
  nlohmann::json data = {{"files", {{{"filename", "x.png"}, {"size", 9}}}}};
  try {
    VerifyUploadReply(data, {{"x.png", 10, kSha, "image"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitBadResponse);
    EXPECT_STREQ(e.what(), "server reports 9 bytes for x.png, sent 10");
  }
  nlohmann::json bad_hash = {
      {"files", {{{"filename", "x.png"}, {"sha256", std::string(64, 'b')}}}}};
  EXPECT_THROW(VerifyUploadReply(bad_hash, {{"x.png", 10, kSha, "image"}}), Error);
  // `hash` names no algorithm (an MD5, another 256-bit digest, one of a transcoded copy): it is
  // not held against our SHA-256, and it is kept as the server gave it.
  nlohmann::json md5 = {{"files", {{{"filename", "x.png"}, {"hash", std::string(32, 'b')}}}}};
  EXPECT_NO_THROW(VerifyUploadReply(md5, {{"x.png", 10, kSha, "image"}}));
  nlohmann::json other = {{"files", {{{"filename", "x.png"}, {"hash", std::string(64, 'c')}}}}};
  nlohmann::json kept = VerifyUploadReply(other, {{"x.png", 10, kSha, "image"}});
  EXPECT_EQ(kept[0]["hash"], std::string(64, 'c'));
  EXPECT_EQ(kept[0]["sha256"], kSha);
  nlohmann::json short_reply = {{"files", nlohmann::json::array()}};
  EXPECT_THROW(VerifyUploadReply(short_reply, {{"x.png", 10, kSha, "image"}}), Error);
}

// A server that answers in another order is matched by file name.
TEST(UploadReplyTest, ReorderedReplyIsMatchedByName) {
  nlohmann::json data = {
      {"files",
       {{{"filename", "b.png"}, {"cdn_url", "B"}}, {{"filename", "a.png"}, {"cdn_url", "A"}}}}};
  nlohmann::json out =
      VerifyUploadReply(data, {{"a.png", 1, kSha, "image"}, {"b.png", 2, kSha, "image"}});
  EXPECT_EQ(out[0]["cdn_url"], "A");
  EXPECT_EQ(out[1]["cdn_url"], "B");
}

}  // namespace
}  // namespace nemo
