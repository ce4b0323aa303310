// The journal of sends and renders: entries survive the process, are locked while in use,
// expire, and tell nemo-send and nemo-export what a re-run must do.
#include "journal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "error.h"
#include "sha256.h"
#include "temp_files.h"

namespace fs = std::filesystem;
using nlohmann::json;

using nemo_test::TempDir;

// What one process writes, the next one reads: the entry outlives its writer.
TEST(Journal, AnEntryWrittenIsReadBackByTheNextOpen) {
  TempDir tmp;
  nemo::Journal journal(tmp.path / "journal");
  std::string key = nemo::SendKey("http://127.0.0.1:1", "ses_1", nemo::Sha256Hex("hi"));
  {
    auto entry = journal.Open(key);
    EXPECT_FALSE(entry.value());
    entry.Write({{"status", "sending"}});
  }
  auto entry = journal.Open(key);
  ASSERT_TRUE(entry.value());
  EXPECT_EQ(entry.value()->at("status"), "sending");
  EXPECT_EQ(entry.value()->at("key"), key);
  EXPECT_TRUE(entry.value()->contains("created_at"));
  struct stat st {};
  ASSERT_EQ(stat((tmp.path / "journal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((tmp.path / "journal" / (key + ".json")).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// The same message on another session, or another API base, is another entry.
TEST(Journal, KeysSeparateApiSessionMessageAndRenderSettings) {
  std::string m = std::string(64, 'a');
  EXPECT_NE(nemo::SendKey("a", "s", m), nemo::SendKey("b", "s", m));
  EXPECT_NE(nemo::SendKey("a", "s", m), nemo::SendKey("a", "t", m));
  EXPECT_NE(nemo::SendKey("a", "s", m), nemo::SendKey("a", "s", std::string(64, 'b')));
  EXPECT_EQ(nemo::SendKey("a", "s", m), nemo::SendKey("a", "s", m));
  EXPECT_NE(nemo::RenderKey("a", "s", m, "mp4", "high"),
            nemo::RenderKey("a", "s", m, "mp4", "low"));
  EXPECT_EQ(nemo::SendKey("a", "s", m).rfind("send-", 0), 0u);
  EXPECT_EQ(nemo::RenderKey("a", "s", m, "mp4", "high").rfind("render-", 0), 0u);
}

// A second opener of a held entry waits for the first to let go, then sees what it wrote.
TEST(Journal, ASecondOpenWaitsForTheHolderAndSeesItsResult) {
  TempDir tmp;
  nemo::Journal journal(tmp.path);
  auto first = journal.Open("send-x");
  first.Write({{"status", "sending"}});
  std::atomic<bool> waiting{false}, done{false};
  std::string seen;
  std::thread second([&] {
    nemo::Journal other(tmp.path);
    auto entry = other.Open("send-x", [&] { waiting = true; });
    seen = entry.value()->at("status").get<std::string>();
    EXPECT_TRUE(entry.waited());
    done = true;
  });
  for (int i = 0; i < 500 && !waiting; ++i) usleep(10000);
  ASSERT_TRUE(waiting);
  EXPECT_FALSE(done);
  first.Write({{"status", "done"}});
  { auto released = std::move(first); }
  second.join();
  EXPECT_EQ(seen, "done");
}

// Entries older than the expiry are gone: not read, not listed, swept from the disk.
TEST(Journal, EntriesExpireAfterThirtyDays) {
  TempDir tmp;
  long long now = nemo::UnixSeconds();
  nemo::Journal journal(tmp.path, [&] { return now; });
  journal.Open("send-old").Write({{"status", "done"}});
  now += 29 * 86400;
  journal.Open("send-new").Write({{"status", "done"}});
  EXPECT_TRUE(journal.Open("send-old").value());
  now += 2 * 86400;  // "old" was last written 31 days ago, "new" 2 days ago
  EXPECT_EQ(journal.List().size(), 1u);
  EXPECT_EQ(journal.Sweep(), 1);
  EXPECT_FALSE(fs::exists(tmp.path / "send-old.json"));
  EXPECT_FALSE(fs::exists(tmp.path / "send-old.lock"));
  EXPECT_TRUE(fs::exists(tmp.path / "send-new.json"));
  EXPECT_FALSE(journal.Open("send-old").value());
}

// An expired entry whose lock is held is left to its owner.
TEST(Journal, TheSweepLeavesAnEntryInUse) {
  TempDir tmp;
  long long now = nemo::UnixSeconds();
  nemo::Journal journal(tmp.path, [&] { return now; });
  auto held = journal.Open("send-busy");
  held.Write({{"status", "sent"}});
  now += 40 * 86400;
  EXPECT_EQ(journal.Sweep(), 0);
  EXPECT_TRUE(fs::exists(tmp.path / "send-busy.json"));
}

// A kill -9 between mkstemp and rename leaves a temporary, never a damaged entry; the next
// writer sweeps temporaries old enough that no live writer owns them.
TEST(Journal, LeftoverTemporariesAreSweptAndEntriesStayWhole) {
  TempDir tmp;
  nemo::Journal journal(tmp.path);
  journal.Open("send-a").Write({{"status", "sent"}});
  fs::path leftover = tmp.path / ".send-a.json.Ab12Cd";
  std::ofstream(leftover) << "{\"status\":";
  fs::last_write_time(leftover, fs::file_time_type::clock::now() - std::chrono::minutes(5));
  fs::path fresh = tmp.path / ".send-b.json.Xy34Zw";
  std::ofstream(fresh) << "{";
  journal.Open("send-c");
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_TRUE(fs::exists(fresh));  // perhaps a writer at work right now
  EXPECT_EQ(journal.Open("send-a").value()->at("status"), "sent");
}

// A damaged entry is not forgotten: it reads as "unreadable", which nemo-send treats as sent.
TEST(Journal, ADamagedEntryReadsAsUnreadable) {
  TempDir tmp;
  nemo::Journal journal(tmp.path);
  journal.Open("send-a");
  std::ofstream(tmp.path / "send-a.json") << "{\"status\": \"do";
  auto entry = journal.Open("send-a");
  ASSERT_TRUE(entry.value());
  EXPECT_EQ(entry.value()->at("status"), "unreadable");
  EXPECT_EQ(nemo::DecideSend(entry.value(), false), nemo::SendAction::kRecover);
}

TEST(Journal, ListIsOldestFirstWithKeys) {
  TempDir tmp;
  long long now = 1700000000;
  nemo::Journal journal(tmp.path, [&] { return now; });
  journal.Open("send-b").Write({{"status", "done"}});
  now += 10;
  journal.Open("render-a").Write({{"status", "submitted"}, {"render_id", "r1"}});
  auto list = journal.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["key"], "send-b");
  EXPECT_EQ(list[1]["key"], "render-a");
  EXPECT_EQ(list[0]["created_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(list[0]["expires_at"], "2023-12-14T22:13:20Z");
}

TEST(Journal, AJournalInAFileIsAUsageError) {
  TempDir tmp;
  std::ofstream(tmp.path / "file") << "x";
  nemo::Journal journal(tmp.path / "file");
  try {
    journal.Open("send-a");
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
    EXPECT_NE(std::string(e.what()).find("file"), std::string::npos);
  }
}

TEST(Journal, DirFollowsXdgStateHome) {
  nemo_test::ScopedEnv env;
  env.Set("XDG_STATE_HOME", "/x/state");
  EXPECT_EQ(nemo::JournalDir(), fs::path("/x/state/nemovideo/journal"));
}

// Table: what a re-run of nemo-send does with the entry of its message.
TEST(Journal, DecideSend) {
  using nemo::SendAction;
  auto with = [](const char* status) { return std::optional<json>(json{{"status", status}}); };
  EXPECT_EQ(nemo::DecideSend(std::nullopt, false), SendAction::kSend);
  EXPECT_EQ(nemo::DecideSend(with("failed"), false), SendAction::kSend);
  EXPECT_EQ(nemo::DecideSend(with("done"), false), SendAction::kReplay);
  EXPECT_EQ(nemo::DecideSend(with("sending"), false), SendAction::kRecover);
  EXPECT_EQ(nemo::DecideSend(with("sent"), false), SendAction::kRecover);
  EXPECT_EQ(nemo::DecideSend(with("unfinished"), false), SendAction::kRecover);
  // A run that started and then failed may have done (and been charged for) its work.
  EXPECT_EQ(nemo::DecideSend(with("run_failed"), false), SendAction::kRepeatFailure);
  EXPECT_EQ(nemo::DecideSend(with("run_failed"), true), SendAction::kSend);
  EXPECT_EQ(nemo::DecideSend(with("done"), true), SendAction::kSend);
  EXPECT_EQ(nemo::DecideSend(with("sent"), true), SendAction::kSend);
}

// Table: which render a re-run of nemo-export follows instead of submitting one.
TEST(Journal, RenderToFollow) {
  auto with = [](const char* status) {
    return std::optional<json>(json{{"status", status}, {"render_id", "r1"}});
  };
  EXPECT_FALSE(nemo::RenderToFollow(std::nullopt, false));
  EXPECT_EQ(nemo::RenderToFollow(with("submitted"), false), "r1");
  EXPECT_EQ(nemo::RenderToFollow(with("completed"), false), "r1");
  EXPECT_FALSE(nemo::RenderToFollow(with("failed"), false));
  EXPECT_FALSE(nemo::RenderToFollow(with("cancelled"), false));
  EXPECT_FALSE(nemo::RenderToFollow(with("submitted"), true));
  EXPECT_FALSE(nemo::RenderToFollow(json{{"status", "submitted"}}, false));
}
