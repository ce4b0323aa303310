#include "docx.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "temp_files.h"

namespace nemo {
namespace {

using testing::ExitOf;
using testing::HaveProgram;
using testing::MessageOf;
using testing::RunIn;
using testing::TempDir;

// A document made by pandoc, as a user's word processor would save it: a heading, a paragraph
// written over two source lines, bullets (one nested), a numbered list, a hard line break and a
// table, with accents. One paragraph or list item per line; markers and numbers kept.
TEST(DocxText, ReadsADocumentMadeByPandoc) {
  if (!HaveProgram("pandoc")) GTEST_SKIP() << "pandoc not installed (scripts/bootstrap)";
  TempDir dir;
  dir.Write("blog.md",
            "# Spring at the B\xC3\xA4"
            "ckerei\n\n"
            "Our bakery turns ten this spring. We bake croissants, cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
            "e\n"
            "and Zimtschnecken every morning.\n\n"
            "- Fresh croissants\n- Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
            "e\n    - with berries\n\n"
            "1. Visit us\n2. Taste everything\n\n"
            "Open daily\\\nfrom 7 to 19\n\n"
            "| day | cake |\n|---|---|\n| Mon | Stollen |\n");
  ASSERT_TRUE(RunIn(dir.path.string(), "pandoc -o blog.docx blog.md"));
  EXPECT_EQ(DocxText(dir.path.string() + "/blog.docx", 1 << 20),
            "Spring at the B\xC3\xA4"
            "ckerei\n"
            "Our bakery turns ten this spring. We bake croissants, cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
            "e "
            "and Zimtschnecken every morning.\n"
            "- Fresh croissants\n- Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
            "e\n  - with berries\n"
            "1. Visit us\n2. Taste everything\n"
            "Open daily\nfrom 7 to 19\n"
            "day | cake\nMon | Stollen");
}

// What word processors write and pandoc does not: tracked deletions and field codes are not
// text, tab stops in paragraph properties are not tabs, a text box's paragraph is a line of its
// own, entities are decoded, strict OOXML's namespace is read too.
TEST(DocxText, SkipsDeletionsFieldCodesAndTabStops) {
  if (!HaveProgram("zip")) GTEST_SKIP() << "zip not installed (scripts/bootstrap)";
  TempDir dir;
  std::filesystem::create_directories(dir.path.string() + "/doc/word");
  dir.Write(
      "doc/word/document.xml",
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      R"(<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body>)"
      R"(<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>)"
      R"(<w:r><w:t>Fish &amp; chips</w:t></w:r><w:del><w:r><w:delText>, peas</w:delText></w:r></w:del>)"
      R"(<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>)"
      R"(<w:r><w:tab/><w:t>&#233;t&#xE9;</w:t></w:r>)"
      R"(<w:r><w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent></w:r></w:p>)"
      R"(<w:p/><w:p><w:r><w:t xml:space="preserve">  last  </w:t></w:r></w:p></w:body></w:document>)");
  ASSERT_TRUE(RunIn(dir.path.string() + "/doc", "zip -q -r ../a.docx word"));
  EXPECT_EQ(DocxText(dir.path.string() + "/a.docx", 1 << 20),
            "Fish & chips\t\xC3\xA9t\xC3\xA9\nboxed\n  last");
}

// Reading stops soon after the text passes the limit; the caller refuses it.
TEST(DocxText, StopsPastTheLimit) {
  if (!HaveProgram("pandoc")) GTEST_SKIP() << "pandoc not installed (scripts/bootstrap)";
  TempDir dir;
  std::string md;
  for (int i = 0; i < 2000; ++i) md += "Paragraph number " + std::to_string(i) + ".\n\n";
  dir.Write("long.md", md);
  ASSERT_TRUE(RunIn(dir.path.string(), "pandoc -o long.docx long.md"));
  std::string text = DocxText(dir.path.string() + "/long.docx", 100);
  EXPECT_GT(text.size(), 100u);
  EXPECT_LT(text.size(), 200u);
}

// Not a zip, a zip without the document, and broken XML are unsupported files, named.
TEST(DocxText, RefusesWhatIsNotAWordDocument) {
  TempDir dir;
  std::string not_zip = dir.Write("a.docx", "just text");
  EXPECT_EQ(ExitOf([&] { DocxText(not_zip, 100); }), kExitUnsupportedFile);
  EXPECT_EQ(MessageOf([&] { DocxText(not_zip, 100); }),
            not_zip + ": not a readable .docx (not a zip archive)");
  if (!HaveProgram("zip")) GTEST_SKIP() << "zip not installed (scripts/bootstrap)";
  std::filesystem::create_directories(dir.path.string() + "/z/word");
  dir.Write("z/word/other.xml", "<x/>");
  ASSERT_TRUE(RunIn(dir.path.string() + "/z", "zip -q -r ../b.docx word"));
  EXPECT_EQ(MessageOf([&] { DocxText(dir.path.string() + "/b.docx", 100); }),
            dir.path.string() + "/b.docx: not a readable .docx (no word/document.xml)");
  dir.Write("z/word/document.xml", "<w:document xmlns:w=\"x\"><w:body><w:p>");
  ASSERT_TRUE(RunIn(dir.path.string() + "/z", "zip -q -r ../c.docx word"));
  EXPECT_EQ(ExitOf([&] { DocxText(dir.path.string() + "/c.docx", 100); }), kExitUnsupportedFile);
}

}  // namespace
}  // namespace nemo
