// Atomic replacement: the new content or the old, the requested mode, no temporary left behind.
#include "atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "error.h"
#include "temp_files.h"

namespace fs = std::filesystem;

using nemo_test::Slurp;
using nemo_test::TempDir;

namespace {
int Entries(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

TEST(AtomicFile, ReplacesContentWithTheModeAndLeavesNothingElse) {
  TempDir tmp;
  fs::path file = tmp.path / "ctx.json";
  std::ofstream(file) << "old";
  nemo::ReplaceFileAtomically(file, "{\"a\":1}\n", 0640, nemo::kExitUsage);
  EXPECT_EQ(Slurp(file), "{\"a\":1}\n");
  struct stat st {};
  stat(file.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(Entries(tmp.path), 1);
}

// A directory that cannot take the file: the error names the path, carries the requested exit
// code, and the old file is untouched.
TEST(AtomicFile, AFailureLeavesTheOldFileAndNamesThePath) {
  TempDir tmp;
  fs::path file = tmp.path / "missing" / "ctx.json";
  try {
    nemo::ReplaceFileAtomically(file, "x", 0600, nemo::kExitUsage);
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
  }
}

TEST(AtomicFile, DefaultModeFollowsTheUmask) {
  mode_t old = umask(027);
  EXPECT_EQ(nemo::DefaultFileMode(), 0640);
  umask(old);
}

// Only ".NAME<suffix>.XXXXXX" files older than the age go.
TEST(AtomicFile, RemoveStaleTemporariesTakesOnlyOldTemporariesOfTheSuffix) {
  TempDir tmp;
  auto old_time = fs::file_time_type::clock::now() - std::chrono::minutes(10);
  for (const char* name : {".a.json.Ab12Cd", ".b.json.Xy34Zw", ".c.lock.Ab12Cd", "d.json"}) {
    std::ofstream(tmp.path / name) << "x";
  }
  fs::last_write_time(tmp.path / ".a.json.Ab12Cd", old_time);
  fs::last_write_time(tmp.path / ".c.lock.Ab12Cd", old_time);
  fs::last_write_time(tmp.path / "d.json", old_time);
  EXPECT_EQ(nemo::RemoveStaleTemporaries(tmp.path, ".json", std::chrono::seconds(60)), 1);
  EXPECT_FALSE(fs::exists(tmp.path / ".a.json.Ab12Cd"));
  EXPECT_TRUE(fs::exists(tmp.path / ".b.json.Xy34Zw"));  // young: a writer may own it
  EXPECT_TRUE(fs::exists(tmp.path / ".c.lock.Ab12Cd"));  // another suffix
  EXPECT_TRUE(fs::exists(tmp.path / "d.json"));          // not a temporary
}

// The streaming form: another writer fills path() (as ffmpeg does for the contact sheet), the
// name keeps the suffix it asked for, and Commit() puts it in place with the mode.
TEST(AtomicFile, AnotherWriterFillsThePathAndCommitPutsItInPlace) {
  TempDir tmp;
  fs::path file = tmp.path / "sheet.png";
  {
    nemo::AtomicFile out(file, 0644, nemo::kExitUsage, ".png");
    EXPECT_EQ(out.path().parent_path(), tmp.path);
    EXPECT_EQ(out.path().extension(), ".png");
    std::ofstream(out.path()) << "picture";
    EXPECT_FALSE(fs::exists(file));
    out.Commit();
  }
  EXPECT_EQ(Slurp(file), "picture");
  struct stat st {};
  stat(file.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(Entries(tmp.path), 1);
}

// Not committed (a failure, an exception on the way): the temporary goes, the old file stays.
TEST(AtomicFile, AFileNotCommittedLeavesTheOldOneAndNoTemporary) {
  TempDir tmp;
  fs::path file = tmp.path / "out.mp4";
  std::ofstream(file) << "old";
  {
    nemo::AtomicFile out(file, 0600, nemo::kExitUsage);
    out.Write("half of the new");
    EXPECT_TRUE(fs::exists(out.path()));
  }
  EXPECT_EQ(Slurp(file), "old");
  EXPECT_EQ(Entries(tmp.path), 1);
}
