#include "pdf.h"

#include <gtest/gtest.h>

#include "temp_files.h"

namespace nemo {
namespace {

using testing::ExitOf;
using testing::HaveProgram;
using testing::MessageOf;
using testing::RunIn;
using testing::TempDir;

// An A5 page of SVG text lines (x, y, size, text, stretched to 340 pt when `full`), which
// rsvg-convert (cairo) lays out into a PDF as a word processor would: one text line per line.
struct SvgLine {
  int y, size;
  const char* text;
  bool full = false;
};

std::string SvgPage(std::initializer_list<SvgLine> lines) {
  std::string svg =
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="420pt" height="595pt" viewBox="0 0 420 595">)"
      R"(<g font-family="DejaVu Sans" fill="black">)";
  for (const auto& l : lines) {
    svg += "<text x=\"40\" y=\"" + std::to_string(l.y) + "\" font-size=\"" +
           std::to_string(l.size) + "\"" +
           (l.full ? R"( textLength="340" lengthAdjust="spacingAndGlyphs")" : "") + ">" + l.text +
           "</text>";
  }
  return svg + "</g></svg>";
}

// A two-page PDF with accents, Greek and Cyrillic, made by a real PDF writer: a heading, a
// paragraph wrapped over three lines, two bullets, and on page two a paragraph of its own.
TEST(PdfText, ReadsATwoPagePdfAsParagraphs) {
  if (!HaveProgram("rsvg-convert"))
    GTEST_SKIP() << "rsvg-convert not installed (scripts/bootstrap)";
  TempDir dir;
  dir.Write("1.svg",
            SvgPage({{60, 22,
                      "Spring at the B\xC3\xA4"
                      "ckerei"},
                     {100, 11, "Our bakery turns ten this spring. We bake croissants,", true},
                     {115, 11,
                      "cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
                      "e and Zimtschnecken every morning, and the",
                      true},
                     {130, 11, "whole street smells of butter."},
                     {160, 11, "\xE2\x80\xA2 Fresh croissants"},
                     {175, 11,
                      "\xE2\x80\xA2 Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
                      "e"}}));
  dir.Write(
      "2.svg",
      SvgPage({{60, 11,
                "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1 and "
                "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82: our guests come from far away."},
               {90, 11, "Visit us on Saturday for a free coffee with every cake,", true},
               {105, 11, "while the oven is still warm."}}));
  ASSERT_TRUE(RunIn(dir.path.string(), "rsvg-convert -f pdf -o blog.pdf 1.svg 2.svg"));
  EXPECT_EQ(
      PdfText(dir.path.string() + "/blog.pdf", 1 << 20),
      "Spring at the B\xC3\xA4"
      "ckerei\n"
      "Our bakery turns ten this spring. We bake croissants, cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
      "e "
      "and Zimtschnecken every morning, and the whole street smells of butter.\n"
      "\xE2\x80\xA2 Fresh croissants\n"
      "\xE2\x80\xA2 Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
      "e\n"
      "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1 and "
      "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82: our guests come from far away.\n"
      "Visit us on Saturday for a free coffee with every cake, while the oven is still warm.");
}

// Reading stops at the page where the text passes the limit.
TEST(PdfText, StopsPastTheLimit) {
  if (!HaveProgram("rsvg-convert"))
    GTEST_SKIP() << "rsvg-convert not installed (scripts/bootstrap)";
  TempDir dir;
  dir.Write("p.svg", SvgPage({{60, 11, "A page of text that is long enough."}}));
  ASSERT_TRUE(
      RunIn(dir.path.string(), "rsvg-convert -f pdf -o many.pdf p.svg p.svg p.svg p.svg p.svg"));
  std::string text = PdfText(dir.path.string() + "/many.pdf", 40);
  EXPECT_GT(text.size(), 40u);
  EXPECT_LT(text.size(), 120u);
}

// Text that is not a PDF, and a PDF cut short, are unsupported files, named.
TEST(PdfText, RefusesWhatIsNotAPdf) {
  TempDir dir;
  std::string p = dir.Write("a.pdf", "just text, no PDF");
  EXPECT_EQ(ExitOf([&] { PdfText(p, 100); }), kExitUnsupportedFile);
  EXPECT_EQ(MessageOf([&] { PdfText(p, 100); }), p + ": not a readable PDF");
}

PdfLine Line(double top, double left, double right, const char* text, double height = 11) {
  return {top, top + height, left, right, text};
}

// Lines of one size and spacing that fill the width are one paragraph; a wider gap, a short
// line, a bigger size or a list marker start the next one.
TEST(PdfParagraphs, JoinsWrappedLinesAndSplitsAtGapsSizesShortLinesAndMarkers) {
  std::vector<PdfLine> page = {Line(40, 40, 300, "Title", 22),
                               Line(80, 40, 380, "one two"),
                               Line(95, 40, 378, "three"),
                               Line(110, 40, 200, "four."),
                               Line(125, 40, 381, "five"),
                               Line(140, 40, 380, "six"),
                               Line(175, 40, 380, "seven"),
                               Line(190, 40, 380, "1. first"),
                               Line(205, 40, 380, "a) second"),
                               Line(220, 40, 380, "- third"),
                               Line(235, 40, 380, "\xE2\x80\xA2 fourth")};
  EXPECT_EQ(PdfParagraphs({page}),
            "Title\none two three four.\nfive six\nseven\n1. first\na) second\n- third\n"
            "\xE2\x80\xA2 fourth");
}

// A line ending in a hyphen joins the next without a space; a full last line runs over the
// page break into a lower-case first line, and nothing else does.
TEST(PdfParagraphs, JoinsHyphensAndParagraphsOverPageBreaks) {
  std::vector<PdfLine> one = {Line(40, 40, 380, "a well-"), Line(55, 40, 380, "known bakery's")};
  std::vector<PdfLine> two = {Line(40, 40, 380, "croissants are"), Line(55, 40, 200, "famous.")};
  std::vector<PdfLine> three = {Line(40, 40, 380, "Next page")};
  EXPECT_EQ(PdfParagraphs({one, two, three}),
            "a well-known bakery's croissants are famous.\nNext page");
}

// Words on one baseline make one line; a word further left, or lower, starts another.
TEST(PdfLinesOfWords, GroupsWordsByBaseline) {
  std::vector<PdfWord> words = {{10, 21, 40, 60, "Hello", true},
                                {11, 21, 65, 90, "world", false},
                                {10, 21, 90, 92, ",", true},
                                {30, 41, 40, 70, "next", true},
                                {30, 41, 10, 30, "left", true}};
  std::vector<PdfLine> lines = PdfLinesOfWords(words);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "Hello world,");
  EXPECT_EQ(lines[0].right, 92);
  EXPECT_EQ(lines[1].text, "next");
  EXPECT_EQ(lines[2].text, "left");
}

}  // namespace
}  // namespace nemo
