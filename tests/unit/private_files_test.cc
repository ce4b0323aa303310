// The config directory's rule (like ssh's StrictModes): ours, writable by nobody else; modes are
// tightened only on our own real directory or file, never through a link; a failed chmod is an
// error.
#include "private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "credentials.h"
#include "error.h"
#include "test_server.h"

namespace fs = std::filesystem;
using nemo_test::ModeOf;
using nemo_test::TempDir;

namespace {

// The message of the Error `f` throws with exit 3, or "" when it throws none.
template <typename F>
std::string RefusalOf(F&& f) {
  try {
    f();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth) << e.what();
    EXPECT_FALSE(e.hint().empty()) << e.what();
    return e.what();
  }
  return "";
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(PrivateFiles, OwnerAndModeRule) {
  uid_t me = geteuid();
  EXPECT_EQ(nemo::UnsafeOwnerOrMode(me, S_IFDIR | 0700, me), "");
  EXPECT_EQ(nemo::UnsafeOwnerOrMode(me, S_IFDIR | 0755, me), "");  // readable is not writable
  EXPECT_EQ(nemo::UnsafeOwnerOrMode(me, S_IFREG | 0600, me), "");
  EXPECT_TRUE(Has(nemo::UnsafeOwnerOrMode(me, S_IFDIR | 0777, me), "writable by others"));
  EXPECT_TRUE(Has(nemo::UnsafeOwnerOrMode(me, S_IFDIR | 0770, me), "writable by its group"));
  EXPECT_TRUE(Has(nemo::UnsafeOwnerOrMode(me, S_IFDIR | 01777, me), "mode 1777"));
  EXPECT_TRUE(Has(nemo::UnsafeOwnerOrMode(me + 1, S_IFDIR | 0700, me), "not by you"));
  EXPECT_TRUE(Has(nemo::UnsafeOwnerOrMode(0, S_IFDIR | 0700, 1000), "owned by root (uid 0)"));
}

TEST(PrivateFiles, OurReadableDirectoryIsTightenedAWritableOneRefused) {
  TempDir tmp;
  fs::path dir = tmp.path / "nemovideo";
  nemo::CheckPrivateDir(dir);  // absent: nothing to say
  fs::create_directory(dir);
  chmod(dir.c_str(), 0755);
  nemo::CheckPrivateDir(dir);
  EXPECT_EQ(ModeOf(dir), 0700);
  chmod(dir.c_str(), 0777);
  std::string why = RefusalOf([&] { nemo::CheckPrivateDir(dir); });
  EXPECT_TRUE(Has(why, dir.string() + ": writable by others (mode 0777)")) << why;
  EXPECT_EQ(ModeOf(dir), 0777);
  // and nothing is stored or read there
  EXPECT_FALSE(RefusalOf([&] {
                 nemo::StoreCredentials(dir, {"https://a", "t", "", "", "", ""});
               }).empty());
  EXPECT_FALSE(fs::exists(dir / "credentials.json"));
  EXPECT_FALSE(RefusalOf([&] { nemo::LoadCredentials(dir, "https://a"); }).empty());
}

TEST(PrivateFiles, ALinkedDirectoryIsCheckedButNeverChmodedThrough) {
  TempDir tmp;
  fs::path target = tmp.path / "target", link = tmp.path / "nemovideo";
  fs::create_directory(target);
  fs::create_directory_symlink(target, link);
  chmod(target.c_str(), 0755);
  nemo::CheckPrivateDir(link);
  EXPECT_EQ(ModeOf(target), 0755);  // accepted as it is
  chmod(target.c_str(), 01777);
  std::string why = RefusalOf([&] { nemo::CheckPrivateDir(link); });
  EXPECT_TRUE(Has(why, "links to " + target.string() + ", writable by others")) << why;
  EXPECT_EQ(ModeOf(target), 01777);
  EXPECT_FALSE(RefusalOf([&] { nemo::EnsurePrivateDir(link); }).empty());
  EXPECT_EQ(ModeOf(target), 01777);
  fs::remove(target);
  EXPECT_FALSE(RefusalOf([&] { nemo::CheckPrivateDir(link); }).empty());  // broken link
}

TEST(PrivateFiles, FilesMustBeRegularOursAndWritableByNobodyElse) {
  TempDir tmp;
  fs::path file = tmp.path / "credentials.json";
  EXPECT_EQ(nemo::OpenPrivateFile(file, true), -1);  // absent
  std::ofstream(file) << "{}";
  chmod(file.c_str(), 0644);
  int fd = nemo::OpenPrivateFile(file, true);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(nemo::ReadAndClose(fd, file), "{}");
  EXPECT_EQ(ModeOf(file), 0600);  // tightened, with a warning
  chmod(file.c_str(), 0644);
  close(nemo::OpenPrivateFile(file, false));
  EXPECT_EQ(ModeOf(file), 0644);  // client_id: readable is fine, left alone
  chmod(file.c_str(), 0620);
  EXPECT_TRUE(Has(RefusalOf([&] { nemo::OpenPrivateFile(file, true); }), "writable by its group"));
  EXPECT_EQ(ModeOf(file), 0620);
  fs::remove(file);
  fs::path elsewhere = tmp.path / "elsewhere";
  std::ofstream(elsewhere) << "{}";
  chmod(elsewhere.c_str(), 0600);
  fs::create_symlink(elsewhere, file);
  EXPECT_TRUE(Has(RefusalOf([&] { nemo::OpenPrivateFile(file, true); }), "a symbolic link"));
  fs::remove(file);
  ASSERT_EQ(mkfifo(file.c_str(), 0600), 0);  // must not hang
  EXPECT_TRUE(Has(RefusalOf([&] { nemo::OpenPrivateFile(file, true); }), "not a regular file"));
}

// Storing refuses a credentials.json someone else could have written, rather than replacing it
// the way it replaces a corrupt one; logout does not remove it either.
TEST(PrivateFiles, StoringAndLogoutRefuseAnUnsafeFile) {
  TempDir tmp;
  nemo::StoreCredentials(tmp.path, {"https://a", "ta", "", "", "anonymous", ""});
  fs::path file = tmp.path / "credentials.json";
  chmod(file.c_str(), 0666);
  EXPECT_FALSE(RefusalOf([&] {
                 nemo::StoreCredentials(tmp.path, {"https://b", "tb", "", "", "", ""});
               }).empty());
  EXPECT_FALSE(RefusalOf([&] { nemo::RemoveCredentials(tmp.path, "https://a"); }).empty());
  EXPECT_TRUE(fs::exists(file));
  EXPECT_EQ(ModeOf(file), 0666);
}

// A client_id someone else could have written is refused: a token minted with a known client id
// is a token they can ask for too.
TEST(PrivateFiles, AClientIdOthersCanWriteIsRefused) {
  TempDir tmp;
  nemo_test::ScopedEnv env;
  env.Unset("NEMO_CLIENT_ID");
  std::string id = nemo::LoadOrCreateClientId(tmp.path);
  chmod((tmp.path / "client_id").c_str(), 0644);
  EXPECT_EQ(nemo::LoadOrCreateClientId(tmp.path), id);
  chmod((tmp.path / "client_id").c_str(), 0666);
  EXPECT_TRUE(Has(RefusalOf([&] { nemo::LoadOrCreateClientId(tmp.path); }), "writable by others"));
}
