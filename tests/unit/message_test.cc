#include "message.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "error.h"

namespace nemo {
namespace {

namespace fs = std::filesystem;

int ExitOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.exit_code();
  }
  return 0;
}

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/nemo-message-test-XXXXXX";
    path_ = mkdtemp(name);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool HaveProgram(const std::string& name) {
  std::string cmd = "command -v " + name + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

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

// .txt and .md are sent as they are, newlines included.
TEST(ReadMessageFile, ReadsTextAndMarkdownAsTheyAre) {
  TempDir dir;
  EXPECT_EQ(ReadMessageFile(dir.Write("a.txt", "line one\nline two\n")), "line one\nline two\n");
  EXPECT_EQ(ReadMessageFile(dir.Write("b.md", "# Promo\n\n- *upbeat*\n")),
            "# Promo\n\n- *upbeat*\n");
}

// A missing file is a usage error; an unknown type is an unsupported file.
TEST(ReadMessageFile, RefusesMissingAndUnknownFiles) {
  TempDir dir;
  EXPECT_EQ(ExitOf([&] { ReadMessageFile(dir.path() + "/none.txt"); }), kExitUsage);
  EXPECT_EQ(ExitOf([&] { ReadMessageFile(dir.Write("x.png", "\x89PNG")); }), kExitUnsupportedFile);
  EXPECT_EQ(ExitOf([&] { ReadMessageFile(dir.Write("empty.md", "\n\n")); }), kExitUsage);
}

// Paragraphs become lines, runs of one paragraph join, tags and attributes vanish.
TEST(DocxText, TurnsParagraphsIntoLines) {
  DocxText d;
  d.Feed(
      R"(<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p w:rsidR="1"><w:r><w:t>A 10-second </w:t></w:r>)"
      R"(<w:r><w:t xml:space="preserve">video</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>titled &quot;Urban &amp; Dreams&quot;</w:t>)"
      R"(<w:tab/><w:t>caf&#233; &#x1F3AC;</w:t><w:br/><w:t>end</w:t></w:r></w:p></w:body></w:document>)");
  d.Finish();
  EXPECT_EQ(d.text(),
            "A 10-second video\n\ntitled \"Urban & Dreams\"\tcaf\xC3\xA9 \xF0\x9F\x8E\xAC\nend");
}

// The XML may arrive in chunks split anywhere, even inside a tag or an entity.
TEST(DocxText, AcceptsChunksSplitAnywhere) {
  std::string xml = "<w:p><w:r><w:t>fish &amp; chips</w:t></w:r></w:p><w:p><w:t>x</w:t></w:p>";
  for (std::size_t split = 0; split <= xml.size(); ++split) {
    DocxText d;
    d.Feed(std::string_view(xml).substr(0, split));
    d.Feed(std::string_view(xml).substr(split));
    d.Finish();
    EXPECT_EQ(d.text(), "fish & chips\nx") << split;
  }
}

// A real .docx (a zip holding word/document.xml) is read through unzip.
TEST(ReadMessageFile, ExtractsTheTextOfADocx) {
  if (!HaveProgram("zip") || !HaveProgram("unzip")) GTEST_SKIP() << "zip/unzip not installed";
  TempDir dir;
  fs::create_directories(dir.path() + "/doc/word");
  dir.Write(
      "doc/word/document.xml",
      "<w:document><w:body><w:p><w:r><w:t>Make a promo</w:t></w:r></w:p>"
      "<w:p><w:r><w:t>with upbeat music \xE2\x99\xAA</w:t></w:r></w:p></w:body></w:document>");
  std::string cmd = "cd '" + dir.path() + "/doc' && zip -q -r ../brief.docx word";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(ReadMessageFile(dir.path() + "/brief.docx"),
            "Make a promo\nwith upbeat music \xE2\x99\xAA");
}

// A .docx that is not a zip is refused as an unsupported file.
TEST(ReadMessageFile, RefusesABrokenDocx) {
  if (!HaveProgram("unzip")) GTEST_SKIP() << "unzip not installed";
  TempDir dir;
  EXPECT_EQ(ExitOf([&] { ReadMessageFile(dir.Write("bad.docx", "not a zip")); }),
            kExitUnsupportedFile);
}

// A program that is not installed is named, with the package to install in the hint.
TEST(RunProgram, NamesAMissingProgram) {
  try {
    RunProgram(
        {"nemo-no-such-program-xyz"}, [](std::string_view) { return true; }, "x.pdf",
        "install poppler-utils");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitUnsupportedFile);
    EXPECT_NE(std::string(e.what()).find("nemo-no-such-program-xyz"), std::string::npos);
    EXPECT_EQ(e.hint(), "install poppler-utils");
  }
}

// Arguments reach the program as they are: no shell interprets them.
TEST(RunProgram, PassesArgumentsWithoutAShell) {
  std::string out;
  int status = RunProgram(
      {"printf", "%s", "$(echo no); *"},
      [&](std::string_view c) {
        out.append(c);
        return true;
      },
      "test", "");
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "$(echo no); *");
}

// A PDF goes through pdftotext when it is installed.
TEST(ReadMessageFile, ExtractsTheTextOfAPdf) {
  if (!HaveProgram("pdftotext")) GTEST_SKIP() << "poppler-utils not installed";
  TempDir dir;
  // A minimal one-page PDF with the text "Hello promo".
  std::string stream = "BT /F1 24 Tf 72 700 Td (Hello promo) Tj ET";
  std::string objs[] = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (int i = 0; i < 5; ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 6\n0000000000 65535 f \n";
  for (auto o : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    pdf += line;
  }
  pdf += "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  std::string text = ReadMessageFile(dir.Write("brief.pdf", pdf));
  EXPECT_NE(text.find("Hello promo"), std::string::npos) << text;
}

}  // namespace
}  // namespace nemo
