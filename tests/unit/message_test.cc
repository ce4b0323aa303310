#include "message.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "error.h"
#include "temp_files.h"

namespace nemo {
namespace {

using testing::ExitOf;
using testing::MessageOf;
using testing::TempDir;

// Multi-byte text (accents, CJK, emoji) passes through byte for byte.
TEST(CheckMessage, KeepsUtf8Intact) {
  std::string text = "caf\xC3\xA9 \xE6\x98\xA0\xE7\x94\xBB \xF0\x9F\x8E\xAC \"Urban Dreams\"";
  EXPECT_EQ(CheckMessage(text, "message"), text);
}

// Blank messages would start a run that costs credits and does nothing.
TEST(CheckMessage, RefusesEmptyAndWhitespaceOnly) {
  EXPECT_EQ(ExitOf([] { CheckMessage("", "message"); }), kExitUsage);
  EXPECT_EQ(ExitOf([] { CheckMessage(" \t\r\n ", "message"); }), kExitUsage);
}

// Latin-1 bytes, lone continuation bytes, overlongs and surrogates are refused.
TEST(CheckMessage, RefusesInvalidUtf8) {
  for (std::string bad :
       {"caf\xE9", "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ok \xE2\x82"}) {
    EXPECT_EQ(ExitOf([&] { CheckMessage(bad, "message"); }), kExitUsage) << bad;
  }
}

// The error names the byte offset of the first bad sequence.
TEST(IsValidUtf8, ReportsTheOffset) {
  std::size_t offset = 0;
  EXPECT_FALSE(IsValidUtf8("abc\xFF", &offset));
  EXPECT_EQ(offset, 3u);
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x8E\xAC"));
}

// Exactly 1 MiB is accepted; one byte more is refused, and the error says the limit.
TEST(CheckMessage, RefusesOverOneMebibyte) {
  EXPECT_NO_THROW(CheckMessage(std::string(kMaxMessageBytes, 'a'), "message"));
  try {
    CheckMessage(std::string(kMaxMessageBytes + 1, 'a'), "message");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find("1 MiB"), std::string::npos) << e.what();
  }
}

// A stream larger than the limit is refused after reading only limit + 1 bytes.
TEST(ReadMessageStream, StopsReadingPastTheLimit) {
  TempDir dir;
  std::string p = dir.Write("big.txt", std::string(kMaxMessageBytes + 5000, 'a'));
  std::FILE* f = std::fopen(p.c_str(), "rb");
  EXPECT_EQ(ExitOf([&] { ReadMessageStream(f, "stdin"); }), kExitUsage);
  EXPECT_EQ(std::ftell(f), static_cast<long>(kMaxMessageBytes + 1));
  std::fclose(f);
}

// The instruction comes first, then each document between lines that name its file (not its
// directories), in the order given.
TEST(MessageBuilder, LabelsEachDocumentAfterTheInstruction) {
  MessageBuilder b("turn this blog intro into a 30-second video", 2);
  b.Add("/home/ann/blog/intro.docx", "Spring at the bakery\nWe turn ten.\n\n");
  b.Add("notes.md", "- croissants\n");
  EXPECT_EQ(std::move(b).Finish(),
            "turn this blog intro into a 30-second video\n\n"
            "--- document: intro.docx ---\nSpring at the bakery\nWe turn ten.\n"
            "--- end of intro.docx ---\n\n"
            "--- document: notes.md ---\n- croissants\n--- end of notes.md ---");
}

// One document and no instruction: the file is the prompt, sent as it is.
TEST(MessageBuilder, SendsALoneDocumentAsItIs) {
  MessageBuilder b("", 1);
  EXPECT_EQ(b.RoomFor("a.txt"), kMaxMessageBytes);
  b.Add("a.txt", "line one\nline two\n");
  EXPECT_EQ(std::move(b).Finish(), "line one\nline two\n");
}

// Several documents without an instruction are still labelled.
TEST(MessageBuilder, LabelsDocumentsWithoutAnInstruction) {
  MessageBuilder b("  ", 2);
  b.Add("a.txt", "A");
  b.Add("b.txt", "B");
  EXPECT_EQ(std::move(b).Finish(),
            "--- document: a.txt ---\nA\n--- end of a.txt ---\n\n"
            "--- document: b.txt ---\nB\n--- end of b.txt ---");
}

// The limit is for the whole message: the room left shrinks with each part, and the document
// that takes the message over is the one named, with what came before it.
TEST(MessageBuilder, NamesTheDocumentThatTakesTheMessageOverTheLimit) {
  std::string instruction(1000, 'i');
  MessageBuilder b(instruction, 2);
  std::size_t room = b.RoomFor("a.txt");
  EXPECT_LT(room, kMaxMessageBytes - 1000);
  b.Add("a.txt", std::string(room - 100, 'a'));
  EXPECT_LT(b.RoomFor("b.txt"), 100u);
  std::string text(b.RoomFor("b.txt") + 1, 'b');
  EXPECT_EQ(ExitOf([&] { b.Add("b.txt", text); }), kExitUsage);
  EXPECT_EQ(MessageOf([&] { b.Add("b.txt", text); }),
            "b.txt: message too long with the instruction and 1 file before it (over 1 MiB; "
            "limit 1 MiB)");
}

// A message that fills the limit exactly is sent.
TEST(MessageBuilder, AcceptsAMessageOfExactlyTheLimit) {
  MessageBuilder b("make a video", 1);
  b.Add("a.txt", std::string(b.RoomFor("a.txt"), 'a'));
  EXPECT_EQ(std::move(b).Finish().size(), kMaxMessageBytes);
}

// An instruction over the limit is refused before any document is read.
TEST(MessageBuilder, RefusesAnOversizedInstructionAtOnce) {
  EXPECT_EQ(ExitOf([] { MessageBuilder(std::string(kMaxMessageBytes + 1, 'a'), 1); }), kExitUsage);
  EXPECT_EQ(ExitOf([] { MessageBuilder("caf\xE9", 1); }), kExitUsage);
}

// A document without text (a scanned PDF), or not UTF-8, is named in the error.
TEST(MessageBuilder, RefusesBlankAndNonUtf8Documents) {
  MessageBuilder b("make a video", 1);
  EXPECT_EQ(MessageOf([&] { b.Add("scan.pdf", "\n \n"); }), "scan.pdf: no text in this file");
  EXPECT_EQ(MessageOf([&] { b.Add("l1.txt", "caf\xE9"); }), "l1.txt: not valid UTF-8 (at byte 3)");
  MessageBuilder lone("", 1);
  EXPECT_EQ(MessageOf([&] { lone.Add("empty.md", "\n\n"); }), "empty.md: the message is empty");
}

}  // namespace
}  // namespace nemo
