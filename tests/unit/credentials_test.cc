// Credentials and client id on disk: permissions, atomic replacement, corrupt files.
#include "credentials.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "error.h"
#include "temp_files.h"

namespace fs = std::filesystem;

using nemo_test::ModeOf;
using nemo_test::TempDir;

TEST(Credentials, StoreCreatesPrivateDirAndFile) {
  TempDir tmp;
  fs::path dir = tmp.path / "nemovideo";
  nemo::StoreCredentials(
      dir, {"http://127.0.0.1:1", "tok", "u1", "2099-01-01T00:00:00Z", "anonymous", "cid"});
  EXPECT_EQ(ModeOf(dir), 0700);
  EXPECT_EQ(ModeOf(dir / "credentials.json"), 0600);
  auto back = nemo::LoadCredentials(dir, "http://127.0.0.1:1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->token, "tok");
  EXPECT_FALSE(nemo::LoadCredentials(dir, "https://other"));
}

TEST(Credentials, TokensForDifferentApiBasesLiveSideBySide) {
  TempDir tmp;
  nemo::StoreCredentials(tmp.path, {"https://a", "ta", "", "", "anonymous", ""});
  nemo::StoreCredentials(tmp.path, {"https://b", "tb", "", "", "anonymous", ""});
  EXPECT_EQ(nemo::LoadCredentials(tmp.path, "https://a")->token, "ta");
  EXPECT_TRUE(nemo::RemoveCredentials(tmp.path, "https://a"));
  EXPECT_FALSE(nemo::LoadCredentials(tmp.path, "https://a"));
  EXPECT_EQ(nemo::LoadCredentials(tmp.path, "https://b")->token, "tb");
}

TEST(Credentials, LooseModeIsTightenedOnRead) {
  TempDir tmp;
  nemo::StoreCredentials(tmp.path, {"https://a", "ta", "", "", "anonymous", ""});
  chmod((tmp.path / "credentials.json").c_str(), 0644);
  EXPECT_TRUE(nemo::LoadCredentials(tmp.path, "https://a"));
  EXPECT_EQ(ModeOf(tmp.path / "credentials.json"), 0600);
}

TEST(Credentials, CorruptFileIsAnAuthErrorAndLogoutRemovesIt) {
  TempDir tmp;
  std::ofstream(tmp.path / "credentials.json") << "{\"tokens\": {";
  chmod((tmp.path / "credentials.json").c_str(), 0600);
  try {
    nemo::LoadCredentials(tmp.path, "https://a");
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
  }
  EXPECT_TRUE(nemo::RemoveCredentials(tmp.path, "https://a"));
  EXPECT_FALSE(fs::exists(tmp.path / "credentials.json"));
}

TEST(Credentials, ClientIdIsCreatedOnceAndReused) {
  TempDir tmp;
  nemo_test::ScopedEnv env;
  env.Unset("NEMO_CLIENT_ID");
  std::string a = nemo::LoadOrCreateClientId(tmp.path);
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_EQ(nemo::LoadOrCreateClientId(tmp.path), a);
}

TEST(Credentials, ExpiryIsParsedFromIso8601) {
  EXPECT_TRUE(nemo::IsExpired({"", "t", "", "2000-01-01T00:00:00Z", "", ""}));
  EXPECT_FALSE(nemo::IsExpired({"", "t", "", "2099-01-01T00:00:00.000Z", "", ""}));
  EXPECT_FALSE(nemo::IsExpired({"", "t", "", "", "", ""}));
}

TEST(Credentials, StoringSweepsTemporariesLeftByAKilledWriter) {
  TempDir tmp;
  nemo::StoreCredentials(tmp.path, {"https://a", "ta", "", "", "anonymous", ""});
  fs::path stale = tmp.path / ".credentials.json.AbC123";
  fs::path fresh = tmp.path / ".credentials.json.XyZ789";
  std::ofstream(stale) << "{";
  std::ofstream(fresh) << "{";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::minutes(5));
  nemo::StoreCredentials(tmp.path, {"https://b", "tb", "", "", "anonymous", ""});
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));  // young enough to belong to a writer still at work
}
