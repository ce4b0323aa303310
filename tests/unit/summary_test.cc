// The summaries the last program of a pipeline prints on a terminal instead of the context.
#include "summary.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "output.h"

namespace {

using nlohmann::json;

// A minimal MP4: ftyp, mdat, then moov with mvhd (timescale 1000, 10 s) and one video track
// (tkhd 1920x1080) — moov after mdat, as a renderer without faststart writes it.
std::string Box(const std::string& type, const std::string& body) {
  uint32_t size = static_cast<uint32_t>(body.size() + 8);
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xFF);
  return out + type + body;
}
std::string U32(uint32_t v) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
  return out;
}
std::string TinyMp4() {
  std::string mvhd = U32(0) + U32(0) + U32(0) + U32(1000) + U32(10000) + std::string(80, '\0');
  std::string tkhd = U32(0) + std::string(72, '\0') + U32(1920u << 16) + U32(1080u << 16);
  return Box("ftyp", "isom" + U32(0x200)) + Box("mdat", std::string(5000, 'x')) +
         Box("moov", Box("mvhd", mvhd) + Box("trak", Box("tkhd", tkhd)));
}

TEST(Summary, ExportSavedFileWithSizeDurationPictureAndRender) {
  auto dir = std::filesystem::temp_directory_path() / "nemo-summary-test";
  std::filesystem::create_directories(dir);
  std::string file = (dir / "promo.mp4").string();
  std::ofstream(file, std::ios::binary) << TinyMp4();
  json ctx = {{"session_id", "ses_1"},
              {"file", file},
              {"bytes", 1468006},
              {"render", {{"id", "render_9"}, {"status", "completed"}}}};
  EXPECT_EQ(nemo::Summarize("nemo-export", ctx),
            "saved " + file + " (1.4 MiB, 10.0 s, 1920x1080, render_9)\n");
  std::filesystem::remove_all(dir);
}

TEST(Summary, ExportWithoutAReadableFileStillSaysWhereItIs) {
  json ctx = {{"file", "/nonexistent/v.mp4"}, {"bytes", 512}, {"render", {{"id", "render_1"}}}};
  EXPECT_EQ(nemo::Summarize("nemo-export", ctx), "saved /nonexistent/v.mp4 (512 B, render_1)\n");
}

TEST(Summary, ExportDetachedAndNoDownload) {
  json detached = {{"session_id", "ses_1"},
                   {"session_name", "promo"},
                   {"render", {{"id", "render_2"}, {"status", "queued"}, {"url", nullptr}}}};
  EXPECT_EQ(nemo::Summarize("nemo-export", detached),
            "render render_2 queued (session promo (ses_1)); running nemo-export again for this "
            "draft follows it\n");
  json done = {{"render", {{"id", "render_3"}, {"status", "completed"}, {"url", "https://x/v"}}}};
  EXPECT_EQ(nemo::Summarize("nemo-export", done), "render render_3 completed: https://x/v\n");
}

TEST(Summary, SessionNameAndIdOrLink) {
  EXPECT_EQ(nemo::Summarize("nemo-session", {{"session_id", "ses_1"}, {"session_name", "promo"}}),
            "session promo (ses_1)\n");
  EXPECT_EQ(nemo::Summarize("nemo-session", {{"session_id", "ses_1"}}), "session ses_1\n");
  EXPECT_EQ(nemo::Summarize("nemo-session", {{"session_id", "ses_1"}, {"link", "https://w/c"}}),
            "session ses_1: open it in a browser:\nhttps://w/c\n");
}

TEST(Summary, SendReplyHeadChangesAndDraft) {
  json ctx = {{"session_id", "ses_1"},
              {"reply", "Here is your video.\nIt has three scenes."},
              {"changes", {{"sentence", "Added 3 segments"}}},
              {"summary", "10s, 2 tracks"}};
  EXPECT_EQ(nemo::Summarize("nemo-send", ctx),
            "reply: Here is your video.…\nchanges: Added 3 segments\ndraft: 10s, 2 tracks\n"
            "session ses_1\n");
}

TEST(Summary, StateAuthUpload) {
  EXPECT_EQ(nemo::Summarize("nemo-state", {{"session_id", "s"}, {"ready", true}, {"summary", "x"}}),
            "session s: ready to export\nx\n");
  EXPECT_EQ(nemo::Summarize("nemo-auth", {{"api", "http://a"},
                                          {"token_source", "stored"},
                                          {"user_id", "u1"},
                                          {"credits", {{"available", 100}, {"frozen", 0}}}}),
            "signed in to http://a as u1 (token: stored); credits: 100 available, 0 frozen\n");
  EXPECT_EQ(nemo::Summarize("nemo-upload",
                            {{"session_id", "s"},
                             {"uploads", {{{"filename", "a.png"}}, {{"filename", "b.mp4"}}}}}),
            "session s: 2 uploads (a.png, b.mp4)\n");
  EXPECT_EQ(nemo::Summarize("nemo-sandbox", {{"x", 1}}), "");
}

TEST(Summary, HumanBytesAndTextHead) {
  EXPECT_EQ(nemo::HumanBytes(0), "0 B");
  EXPECT_EQ(nemo::HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(nemo::HumanBytes(1468006), "1.4 MiB");
  EXPECT_EQ(nemo::TextHead("short", 10), "short");
  EXPECT_EQ(nemo::TextHead("abcdefghij", 5), "abcd…");
  EXPECT_EQ(nemo::TextHead("ééééé", 3), "éé…");  // never half a character
  EXPECT_EQ(nemo::TextHead("line\n", 10), "line");
}

TEST(Summary, JournalTableHasAHeaderAndOneRowPerEntry) {
  json entries = json::array({{{"kind", "send"},
                               {"session_id", "ses_1"},
                               {"session_name", "promo"},
                               {"message", "a 10-second video"},
                               {"status", "done"},
                               {"updated_at", "2026-12-06T01:02:03Z"}},
                              {{"kind", "render"},
                               {"session_id", "ses_1"},
                               {"render_id", "render_7"},
                               {"status", "completed"},
                               {"file", "promo.mp4"},
                               {"updated_at", "2026-12-06T01:03:00Z"}}});
  std::string table = nemo::JournalTable(entries);
  EXPECT_EQ(table.substr(0, table.find('\n')).substr(0, 4), "WHEN");
  EXPECT_EQ(table,
            "WHEN                  PROGRAM      SESSION      MESSAGE            STATUS     FILE\n"
            "2026-12-06T01:02:03Z  nemo-send    promo ses_1  a 10-second video  done\n"
            "2026-12-06T01:03:00Z  nemo-export  ses_1        render_7           completed  "
            "promo.mp4\n");
  EXPECT_EQ(nemo::JournalTable(json::array()), "the journal is empty\n");
}

TEST(FailureContext, IsTheErrorFormatJsonObjectAndIsRecognised) {
  nemo::Error e(nemo::kExitAuth, "token refused", "run nemo-auth", 1001);
  json failure = nemo::FailureContext("nemo-auth", e);
  EXPECT_TRUE(nemo::IsFailureContext(failure));
  EXPECT_EQ(nemo::FailureExitCode(failure), 3);
  EXPECT_EQ(nemo::FormatError("nemo-auth", e, nemo::ErrorFormat::kJson), failure.dump() + "\n");
  EXPECT_FALSE(nemo::IsFailureContext({{"session_id", "s"}}));
  EXPECT_FALSE(nemo::IsFailureContext({{"error", "text"}}));
  EXPECT_EQ(nemo::FailureExitCode({{"error", {{"exit", 999}}}}), nemo::kExitInternal);
}

}  // namespace
