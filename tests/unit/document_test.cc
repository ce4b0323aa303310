#include "document.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "temp_files.h"

namespace nemo {
namespace {

using testing::ExitOf;
using testing::HaveProgram;
using testing::MessageOf;
using testing::RunIn;
using testing::TempDir;

// .txt and .md (and no extension) are read as they are, newlines included.
TEST(ReadDocument, ReadsTextAndMarkdownAsTheyAre) {
  TempDir dir;
  EXPECT_EQ(ReadDocument(dir.Write("a.txt", "line one\nline two\n"), 100), "line one\nline two\n");
  EXPECT_EQ(ReadDocument(dir.Write("b.md", "# Promo\n\n- *upbeat*\n"), 100),
            "# Promo\n\n- *upbeat*\n");
  EXPECT_EQ(ReadDocument(dir.Write("README", "plain"), 100), "plain");
}

// A plain file is read up to the limit plus one byte, no further.
TEST(ReadDocument, ReadsOneBytePastTheLimit) {
  TempDir dir;
  EXPECT_EQ(ReadDocument(dir.Write("big.txt", std::string(5000, 'a')), 10).size(), 11u);
}

// A missing file or a directory is a usage error; an unknown type an unsupported file.
TEST(ReadDocument, RefusesMissingDirectoriesAndUnknownTypes) {
  TempDir dir;
  EXPECT_EQ(ExitOf([&] { ReadDocument(dir.path.string() + "/none.txt", 100); }), kExitUsage);
  EXPECT_EQ(ExitOf([&] { ReadDocument(dir.path.string() + "/none.pdf", 100); }), kExitUsage);
  EXPECT_EQ(MessageOf([&] { ReadDocument(dir.path.string(), 100); }),
            dir.path.string() + ": is a directory");
  EXPECT_EQ(ExitOf([&] { ReadDocument(dir.Write("x.png", "\x89PNG"), 100); }),
            kExitUnsupportedFile);
  EXPECT_EQ(MessageOf([&] { ReadDocument(dir.Write("m.odt", "x"), 100); }),
            dir.path.string() + "/m.odt: unsupported message file type \".odt\"");
}

// An unreadable .docx is "cannot read", not "damaged".
TEST(ReadDocument, SaysAnUnreadableDocumentCannotBeRead) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir dir;
  std::string p = dir.Write("locked.docx", "x");
  chmod(p.c_str(), 0);
  EXPECT_EQ(MessageOf([&] { ReadDocument(p, 100); }), p + ": cannot read: Permission denied");
}

// The extension decides the reader, in any case: .DOCX and .Pdf are documents.
TEST(ReadDocument, ReadsDocumentsByExtensionInAnyCase) {
  if (!HaveProgram("pandoc")) GTEST_SKIP() << "pandoc not installed (scripts/bootstrap)";
  TempDir dir;
  dir.Write("a.md", "Hello *there*\n");
  ASSERT_TRUE(RunIn(dir.path.string(), "pandoc -o A.DOCX -t docx a.md"));
  EXPECT_EQ(ReadDocument(dir.path.string() + "/A.DOCX", 100), "Hello there");
  EXPECT_EQ(ExitOf([&] { ReadDocument(dir.Write("b.Pdf", "no pdf"), 100); }), kExitUnsupportedFile);
}

}  // namespace
}  // namespace nemo
