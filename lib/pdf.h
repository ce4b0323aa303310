// The text of a PDF, read with poppler's C++ library, with the layout undone: a PDF stores
// lines where the page broke them, a message wants one line per paragraph. Linked only into
// nemo-send.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nemo {

// One paragraph per line (wrapped lines joined, list items on lines of their own), pages in
// order. Stops once the text is longer than `max_bytes` (the caller then refuses it). Errors
// name `path`: not a PDF, damaged, password-protected → Error(kExitUnsupportedFile).
std::string PdfText(const std::string& path, std::size_t max_bytes);

// A line of text as laid out on a page, in points from the top left corner.
struct PdfLine {
  double top = 0, bottom = 0, left = 0, right = 0;
  std::string text;
};

// A word as poppler reports it, in reading order.
struct PdfWord {
  double top = 0, bottom = 0, left = 0, right = 0;
  std::string text;
  bool space_after = true;
};

// Words to lines: a word that does not share the current line's height, or goes back to the
// left, starts a new line.
std::vector<PdfLine> PdfLinesOfWords(const std::vector<PdfWord>& words);

// Lines to paragraphs, one per output line. A new paragraph starts after a wider gap than the
// page's usual line spacing, at a change of text size, after a line that stops well short of
// the right margin, and at a list marker ("•", "-", "1.", "a)"). A paragraph that runs over a
// page break is joined when its last line fills the page's width.
std::string PdfParagraphs(const std::vector<std::vector<PdfLine>>& pages);

}  // namespace nemo
